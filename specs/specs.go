// Package specs embeds the hand-written scenarios (the executable
// specification, see README.md) so that tests and checkcli find them
// wherever they run.
package specs

import "embed"

// FS holds every scenario, as <primitive>/<name>.scn.
//
//go:embed */*.scn
var FS embed.FS
