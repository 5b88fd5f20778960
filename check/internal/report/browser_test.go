package report_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/syncheck/syncheck/check/internal/report"
	"github.com/syncheck/syncheck/model"
)

// chromium is the headless browser's path. Without one the browser test
// skips, except where SYNCHECK_BROWSER is set (CI installs chromium and
// sets it): there it fails.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("SYNCHECK_BROWSER") != "" {
		t.Fatal("SYNCHECK_BROWSER is set and there is no chromium on PATH (apt-get install chromium)")
	}
	t.Skip("no chromium on PATH (apt-get install chromium; SYNCHECK_BROWSER=1 makes this a failure)")
	return ""
}

// runChromium runs headless chromium on the page with args and returns
// its standard output.
func runChromium(t *testing.T, bin, page string, args ...string) []byte {
	t.Helper()
	// A bound on a hung browser only; the test asserts nothing on time.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	all := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}, args...)
	cmd := exec.CommandContext(ctx, bin, append(all, "file://"+page)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.Bytes()
}

// TestBrowser writes the HTML report of a lost wakeup (the stuck task must
// be red) and of a linearizability failure, loads each in headless
// Chromium, checks the DOM it built (the sentence, the red task, the step
// numbers; checkPage) and that a screenshot shows the page: many colours,
// and the report's red.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	for _, tc := range []struct{ mutant, property string }{
		{"cond-cancel-loses-notify", "quiescence"},
		{"lock-tryacquire-in-window", "linearizability"},
	} {
		t.Run(tc.mutant, func(t *testing.T) {
			t.Parallel()
			c := minimal(t, tc.mutant)
			if string(c.Property) != tc.property {
				t.Fatalf("the counterexample fails %s, want %s: %s", c.Property, tc.property, c.Message)
			}
			var b bytes.Buffer
			if err := report.HTML(&b, c, report.About{Target: tc.mutant, Dialect: model.Go}); err != nil {
				t.Fatal(err)
			}
			page := filepath.Join(dir, tc.mutant+".html")
			if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			dom := string(runChromium(t, bin, page, "--dump-dom"))
			if !strings.Contains(dom, `<table id="interleaving"`) || !strings.Contains(dom, "<iframe") {
				t.Fatalf("chromium's DOM lacks the report's parts:\n%.2000s", dom)
			}
			checkPage(t, dom, c)

			shot := filepath.Join(dir, tc.mutant+".png")
			runChromium(t, bin, page, "--hide-scrollbars", "--window-size=1000,800", "--screenshot="+shot)
			f, err := os.Open(shot)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			colours := map[[3]uint32]bool{}
			red := 0
			bounds := img.Bounds()
			for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
				for x := bounds.Min.X; x < bounds.Max.X; x++ {
					r, g, b, _ := img.At(x, y).RGBA()
					r, g, b = r>>8, g>>8, b>>8
					colours[[3]uint32{r, g, b}] = true
					// The blamed task's red (#d1242f), give or take.
					if r > 180 && g < 80 && b < 90 {
						red++
					}
				}
			}
			if len(colours) < 16 {
				t.Errorf("the screenshot has %d colours: a blank page?", len(colours))
			}
			if red < 300 {
				t.Errorf("the screenshot has %d red pixels: the blamed task is not shown in red", red)
			}
			t.Logf("%s: %d colours, %d red pixels", tc.mutant, len(colours), red)
		})
	}
}
