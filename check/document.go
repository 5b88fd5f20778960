package check

import "github.com/syncheck/syncheck/model"

// The schemas of the JSON documents checkcli prints, the value of their
// "schema" field: a document's fields keep their names and meanings
// within a schema (fields may be added); a change that would break a
// reader is a new schema. cmd/checkcli/SCHEMA.md documents each field by
// field.
const (
	VerifySchema  = "syncheck/verify/v1"
	MutantsSchema = "syncheck/mutants/v1"
)

// VerifyReport is the document checkcli verify --json prints (schema
// VerifySchema): the primitive's scenarios replayed first, then the
// search's Result, whose fields it carries at its top level. Decode it
// with encoding/json.
type VerifyReport struct {
	Schema    string          `json:"schema"`
	Primitive model.Primitive `json:"primitive"`
	// SpecsPassed, SpecsFailed and SpecsSkipped count the primitive's
	// scenarios in specs/: replayed and passed, replayed and failed, not
	// replayed (SpecsSkippedBecause says why). When one fails the search
	// does not run: Failed is set and the Result's Property, Message,
	// Report and Replay are the first failing scenario's.
	SpecsPassed         int    `json:"specs_passed"`
	SpecsFailed         int    `json:"specs_failed"`
	SpecsSkipped        int    `json:"specs_skipped"`
	SpecsSkippedBecause string `json:"specs_skipped_because,omitempty"`
	// NoVerdict, when set, says why the search gave no verdict: it judged
	// too few executions (Run's ErrTooFewExecutions); Failed is false.
	NoVerdict string `json:"no_verdict,omitempty"`
	Result
	// Shards, in a document checkcli merge printed, are the shards it
	// merged, by shard number; the Result is then the whole search's: the
	// shards' totals, and the counterexample with the lowest FoundProgram
	// (its Shard says whose, its Replay runs that shard again), or with
	// none the command that runs the whole search in one process.
	Shards []ShardSummary `json:"shards,omitempty"`
}

// ShardSummary is one shard's line in a merged VerifyReport.
type ShardSummary struct {
	Shard        string `json:"shard"` // "K/N"
	File         string `json:"file"`  // the result file it was read from
	Programs     int    `json:"programs"`
	Executions   int    `json:"executions"`
	Failed       bool   `json:"failed"`
	FoundProgram int    `json:"found_program,omitempty"`
	ElapsedNS    int64  `json:"elapsed_ns"`
	Replay       string `json:"replay"`
}

// MutantsReport is the document checkcli mutants --json prints (schema
// MutantsSchema): each mutant's row of the score table.
type MutantsReport struct {
	Schema string `json:"schema"`
	// Options are the flags every mutant was searched with ("--seed 1
	// --runs 200000 --time 20s --strategy mix").
	Options string `json:"options"`
	// Killed and Survived count the mutants of Mutants.
	Killed   int         `json:"killed"`
	Survived int         `json:"survived"`
	Mutants  []MutantRow `json:"mutants"`
}

// MutantRow is one mutant's row of a MutantsReport.
type MutantRow struct {
	Mutant    string          `json:"mutant"`
	Primitive model.Primitive `json:"primitive"`
	Class     string          `json:"class"`
	Killed    bool            `json:"killed"`
	// Property and Rule are the killing counterexample's (Result.Property,
	// Result.Rule); ExecutionsToFailure and SecondsToFailure the search's
	// up to it (Result.FoundAfter, Result.Elapsed in seconds).
	Property            string  `json:"property,omitempty"`
	Rule                string  `json:"rule,omitempty"`
	ExecutionsToFailure int     `json:"executions_to_failure,omitempty"`
	SecondsToFailure    float64 `json:"seconds_to_failure,omitempty"`
	// Size is the shrunk counterexample's, KnownMinimal the smallest known
	// for the mutant ("tasks/ops/preemptions").
	Size         *Size  `json:"size,omitempty"`
	KnownMinimal string `json:"known_minimal"`
	// Saved is the file the counterexample was saved to (--save).
	Saved string `json:"saved,omitempty"`
}
