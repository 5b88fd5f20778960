package explore

import "github.com/syncheck/syncheck/check/internal/judge"

// defaultJudge is the judge Config uses when it names none.
var defaultJudge JudgeFunc = judge.Judge
