package importer

import (
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/camket/camket/pkg/domain"
)

// The rows of each sheet once their cells are checked.
type (
	unitRow struct {
		rec *record
		cmd domain.RegisterUnit // normalised
	}
	documentRow struct {
		rec *record
		key string
		cmd domain.IssueDocument
		ev  domain.DocumentIssued
	}
	taskRow struct {
		rec    *record
		key    string
		docKey string
		cmd    domain.AssignTask
		ev     domain.TaskAssigned
	}
	commitmentRow struct {
		rec    *record
		key    string
		docKey string
		cmd    domain.DraftCommitment
		ev     domain.CommitmentDrafted
	}
	indicatorRow struct {
		rec       *record
		key       string
		commitKey string
		in        domain.IndicatorInput
		ind       domain.Indicator
	}
	reportRow struct {
		rec       *record
		key       string
		commitKey string
		indKey    string
		value     *float64
		cmd       domain.ReportValue
	}
)

// fieldKey turns a domain error's field ("recurrence.every",
// "coordinating[2]", "document_id") into the column key it came from.
func fieldKey(field string) string {
	field = strings.TrimPrefix(field, "recurrence.")
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	if field == "document_id" {
		return "document"
	}
	return field
}

// fail turns a domain validation error into a problem on its column.
func (r *record) fail(err error) Problem {
	e := domain.AsError(err)
	if e == nil {
		e = domain.Internal(err, "importer")
	}
	c := *e
	c.Field = fieldKey(e.Field) // the column's key, as every problem names it
	return r.problem(c.Field, &c)
}

// date returns column key's date as text the domain parses: a serial number
// in an XLSX date column becomes its ISO date (1900 date system).
func (r *record) date(key string) (string, *domain.Error) {
	s := r.get(key)
	if s == "" || !r.serialDates {
		return s, nil
	}
	f, ok := isSerial(s)
	if !ok {
		return s, nil // text: dd/mm/yyyy or ISO, checked by domain.ParseDate
	}
	if f < 1 || f > 2958465 || math.IsNaN(f) {
		return "", invalid(key, "Số ngày Excel không hợp lệ", "not a valid Excel date serial number")
	}
	t, err := excelize.ExcelDateToTime(math.Floor(f), false)
	if err != nil {
		return "", invalid(key, "Số ngày Excel không hợp lệ", "not a valid Excel date serial number")
	}
	return t.Format("2006-01-02"), nil
}

// number reads column key as a number: "80", "80%", "0,5" (decimal comma)
// and "1 000" are accepted; empty is nil.
func (r *record) number(key string) (*float64, *domain.Error) {
	s := strings.ReplaceAll(r.get(key), " ", "")
	s = strings.TrimSuffix(s, "%")
	if s == "" {
		return nil, nil
	}
	if strings.Contains(s, ",") && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	switch fold(s) {
	case "co", "yes", "dat", "true":
		s = "1"
	case "khong", "no", "chua dat", "false":
		s = "0"
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, invalid(key, "Không phải là số", "not a number")
	}
	return &f, nil
}

// list splits a comma- or semicolon-separated cell.
func list(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// requireKey checks a key column: required, at most MaxNameLen, no control
// characters.
func (r *record) key(col string) (string, *domain.Error) {
	return domain.CleanText(col, r.get(col), domain.MaxNameLen, true)
}

// lowerCode maps the words people write for a code column to the code:
// measures, directions, kinds and recurrences are all lower-case ASCII.
func lowerCode(s string, aliases map[string]string) string {
	f := fold(s)
	if v, ok := aliases[f]; ok {
		return v
	}
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), " ", "_")
}

var (
	directionAliases = map[string]string{"≥": "ge", ">=": "ge", "≤": "le", "<=": "le",
		"khong nho hon": "ge", "toi thieu": "ge", "khong vuot qua": "le", "toi da": "le"}
	measureAliases = map[string]string{"%": "percent", "phan tram": "percent", "ty le": "percent",
		"so luong": "count", "co/khong": "boolean", "co khong": "boolean", "yes/no": "boolean", "diem": "score"}
	everyAliases = map[string]string{"hang thang": "monthly", "thang": "monthly", "hang quy": "quarterly",
		"quy": "quarterly", "hang nam": "yearly", "nam": "yearly"}
)

func decodeUnit(r *record) (unitRow, *Problem) {
	cmd := domain.RegisterUnit{Code: r.get("code"), Name: r.get("name"), Kind: lowerCode(r.get("kind"), nil),
		Parent: r.get("parent"), Head: r.get("head")}
	cmd, err := cmd.Normalize()
	if err != nil {
		p := r.fail(err)
		return unitRow{}, &p
	}
	return unitRow{rec: r, cmd: cmd}, nil
}

func decodeDocument(r *record) (documentRow, *Problem) {
	row := documentRow{rec: r, key: r.get("key")}
	if row.key == "" {
		row.key = r.get("number") // a document's number is its natural key
	}
	signed, derr := r.date("signed_on")
	if derr != nil {
		p := r.fail(derr)
		return row, &p
	}
	row.cmd = domain.IssueDocument{Number: r.get("number"), Kind: lowerCode(r.get("kind"), nil), Title: r.get("title"),
		Issuer: r.get("issuer"), Signer: r.get("signer"), SignedOn: signed, Period: r.get("period")}
	evs, err := (&domain.Document{}).Issue(documentID(row.key), row.cmd)
	if err != nil {
		p := r.fail(err)
		return row, &p
	}
	row.ev = evs[0].(domain.DocumentIssued)
	if _, kerr := domain.CleanText("key", row.key, domain.MaxNameLen, true); kerr != nil {
		p := r.fail(kerr)
		return row, &p
	}
	return row, nil
}

func decodeTask(r *record) (taskRow, *Problem) {
	row := taskRow{rec: r, docKey: r.get("document")}
	var kerr *domain.Error
	if row.key, kerr = r.key("key"); kerr != nil {
		p := r.fail(kerr)
		return row, &p
	}
	deadline, derr := r.date("deadline")
	if derr != nil {
		p := r.fail(derr)
		return row, &p
	}
	row.cmd = domain.AssignTask{Number: r.get("number"), Title: r.get("title"), Area: r.get("area"), Lead: r.get("lead"),
		Coordinating: list(r.get("coordinating")), Deadline: deadline}
	if every := r.get("every"); every != "" || r.get("due_day") != "" {
		day, nerr := r.number("due_day")
		if nerr != nil || (day != nil && *day != math.Trunc(*day)) {
			p := r.problem("due_day", invalid("due_day", "Ngày đến hạn phải là số nguyên 1–31", "due_day must be a whole number 1 to 31"))
			return row, &p
		}
		rec := &domain.Recurrence{Every: lowerCode(every, everyAliases)}
		if day != nil {
			rec.DueDay = int(*day)
		}
		row.cmd.Recurrence = rec
	}
	ev, err := row.cmd.Normalize()
	if err != nil {
		p := r.fail(err)
		return row, &p
	}
	if row.docKey == "" {
		p := r.problem("document", invalid("document", "Trường này là bắt buộc", "this field is required"))
		return row, &p
	}
	row.ev = ev
	return row, nil
}

func decodeCommitment(r *record) (commitmentRow, *Problem) {
	row := commitmentRow{rec: r, docKey: r.get("document")}
	var kerr *domain.Error
	if row.key, kerr = r.key("key"); kerr != nil {
		p := r.fail(kerr)
		return row, &p
	}
	row.cmd = domain.DraftCommitment{Unit: r.get("unit"), Period: r.get("period"), Title: r.get("title")}
	if row.docKey != "" {
		row.cmd.DocumentID = documentID(row.docKey)
	}
	evs, err := (&domain.Commitment{}).Draft(commitmentID(row.key), row.cmd)
	if err != nil {
		p := r.fail(err)
		return row, &p
	}
	row.ev = evs[0].(domain.CommitmentDrafted)
	return row, nil
}

func decodeIndicator(r *record) (indicatorRow, *Problem) {
	row := indicatorRow{rec: r, commitKey: r.get("commitment")}
	var kerr *domain.Error
	if row.key, kerr = r.key("key"); kerr != nil {
		p := r.fail(kerr)
		return row, &p
	}
	if row.commitKey == "" {
		p := r.problem("commitment", invalid("commitment", "Trường này là bắt buộc", "this field is required"))
		return row, &p
	}
	due, derr := r.date("due_on")
	if derr != nil {
		p := r.fail(derr)
		return row, &p
	}
	row.in = domain.IndicatorInput{Name: r.get("name"), Area: r.get("area"), Measure: lowerCode(r.get("measure"), measureAliases),
		Direction: lowerCode(r.get("direction"), directionAliases), DueOn: due}
	var nerr *domain.Error
	if row.in.Target, nerr = r.number("target"); nerr != nil {
		p := r.fail(nerr)
		return row, &p
	}
	if row.in.Weight, nerr = r.number("weight"); nerr != nil {
		p := r.fail(nerr)
		return row, &p
	}
	ind, err := row.in.Normalize(indicatorID(row.key))
	if err != nil {
		p := r.fail(err)
		return row, &p
	}
	row.ind = ind
	return row, nil
}

func decodeReport(r *record, today domain.Date) (reportRow, *Problem) {
	row := reportRow{rec: r, commitKey: r.get("commitment"), indKey: r.get("indicator")}
	var kerr *domain.Error
	if row.key, kerr = r.key("key"); kerr != nil {
		p := r.fail(kerr)
		return row, &p
	}
	for _, k := range []string{"commitment", "indicator"} {
		if r.get(k) == "" {
			p := r.problem(k, invalid(k, "Trường này là bắt buộc", "this field is required"))
			return row, &p
		}
	}
	var nerr *domain.Error
	if row.value, nerr = r.number("value"); nerr != nil || row.value == nil {
		if nerr == nil {
			nerr = invalid("value", "Trường này là bắt buộc", "this field is required")
		}
		p := r.fail(nerr)
		return row, &p
	}
	on, derr := r.date("effective_on")
	if derr == nil {
		var d domain.Date
		if d, derr = domain.EffectiveDate(domain.Context{Now: today.End()}, "effective_on", on); derr == nil {
			on = d.String()
		}
	}
	if derr != nil {
		p := r.fail(derr)
		return row, &p
	}
	note, terr := domain.CleanText("note", r.get("note"), domain.MaxNoteLen, false)
	if terr != nil {
		p := r.fail(terr)
		return row, &p
	}
	row.cmd = domain.ReportValue{Value: row.value, EffectiveOn: on, Note: note}
	return row, nil
}

// The ids of imported things, derived from their external keys.
func documentID(key string) string   { return keyID(SheetDocuments, key) }
func taskID(key string) string       { return keyID(SheetTasks, key) }
func commitmentID(key string) string { return keyID(SheetCommitments, key) }
func indicatorID(key string) string  { return keyID(SheetIndicators, key) }
func reportID(key string) string     { return keyID(SheetReports, key) }
