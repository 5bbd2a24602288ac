// Package archtest holds one test: the rule that camket's dependencies point
// inward (DESIGN.md section 4, STYLE.md point 1), checked by reading the
// imports of every non-test Go file. It has no code of its own.
package archtest
