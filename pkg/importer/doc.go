// Package importer reads units, documents, tasks, commitments, indicators
// and value reports from XLSX workbooks, CSV files and YAML documents, checks
// every row before anything is written, and then applies them through the
// app service only, idempotently: every created thing gets an id derived
// from its external key (app.KeyID("import:<document|task|commitment|
// indicator|report>:<key>"); units are named by their code), so importing
// the same file twice appends nothing.
//
// The importer owns the file formats, the column table (columns.go: one
// table of sheets and headers in Vietnamese and English) and the import
// plan. It must not import the event store or any process wiring: it writes
// through *app.Service like any client, and reads the store only through
// the service's queries (svc.Unit, svc.Document, svc.Commitment, ...).
//
// Decisions where the brief was silent:
//
//   - All or nothing by validation: every row is checked against the file
//     and the store first (formats, duplicate keys, unknown references,
//     areas, whether a change is allowed); any problem and nothing is
//     written. Apply then runs one command per row; a command refused while
//     applying (someone wrote in between) stops the import, and importing
//     the file again finishes it, since every step is idempotent.
//   - A changed row becomes the domain's change event where there is one:
//     a unit's name (unit.renamed) and head (unit.head_changed), an
//     indicator of a draft or amending commitment (indicator_updated). A
//     changed document, task, commitment header, unit kind or parent has no
//     such event and is a problem, never a silent overwrite; an indicator of
//     a signed commitment is a problem that says the unit head must open an
//     amendment. An empty head cell never clears a head.
//   - Reports need a commitment the unit head has signed (the domain's
//     rule): a report whose commitment is unsigned, or only in the file, is
//     a problem. A report whose id exists is skipped unchanged.
//   - Row numbers are what a spreadsheet shows (XLSX), the line number
//     (CSV, counting a "#sheet:" line), or the YAML line of the row. XLSX
//     cells are read raw: a number in a date column is an Excel serial date
//     (1900 system; a time of day is dropped). Merged cells in data rows are
//     one problem per merged range, at its top-left cell; the header row may
//     be merged.
//   - An unknown sheet is a problem (a typo would otherwise drop its rows);
//     empty sheets are skipped. Wrong headers stop that sheet's rows from
//     being read, and references to a sheet with wrong headers are not also
//     reported as unknown.
//   - Indicator keys are global (like every key), not per commitment.
//   - Numbers accept "80%", a decimal comma ("0,5") and có/không for yes/no.
package importer
