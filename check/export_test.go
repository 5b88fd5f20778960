package check

// SpecRows is specRows, for the external tests.
var SpecRows = specRows
