package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/projection"
)

// historyReaders: who reads history. The auditor, the office and the
// administrator read every stream; a unit head only the streams of their
// own unit (the unit, its commitments, the tasks it leads), as the
// projection knows them. Reporters and viewers read none: history names
// people and shows rejected figures.
var historyReaders = Rule{Allow: []domain.Role{domain.RoleAdmin, domain.RoleOffice, domain.RoleAuditor, domain.RoleUnitHead}, OwnUnit: true}

// Paging of history answers.
const (
	defaultHistoryPage = 100
	maxHistoryPage     = 1000
)

// HistoryPage is one page of a stream's history, oldest first. Next, when
// set, is the cursor (after=) of the following page.
type HistoryPage struct {
	Stream  string        `json:"stream"`
	Entries []audit.Entry `json:"entries"`
	Next    string        `json:"next,omitempty"`
	// Signatures lists, for a commitment, every signing and whether it
	// verifies (see audit.Signatures), whatever the filters.
	Signatures []audit.SignatureCheck `json:"signatures,omitempty"`
}

// provinceReader is implemented by boards that can lend their current province
// (the projector).
type provinceReader interface {
	Read(func(*projection.Province))
}

// historyRequest is a validated history query.
type historyRequest struct {
	stream string
	filter audit.Filter
	after  int64 // revision cursor; -1 for the start
	limit  int
}

// readHistoryRequest reads stream (a path parameter, or the query
// parameter of the page), the filters from and to (RFC 3339 instants or
// dates: from the start of the from day to the end of the to day, Asia/
// Ho_Chi_Minh), actor (a subject), type (an event type), and the paging
// parameters after and limit. It checks that the caller may read the
// stream.
func (s *Server) readHistoryRequest(c echo.Context, stream string) (historyRequest, error) {
	r := historyRequest{stream: stream, after: -1, limit: defaultHistoryPage}
	if err := eventstore.ValidateStreamName(stream); err != nil {
		return r, domain.NotFound("stream", "Không có luồng sự kiện này", "no such stream")
	}
	var err error
	if r.filter.From, err = instantParam(c, "from", false); err != nil {
		return r, err
	}
	if r.filter.To, err = instantParam(c, "to", true); err != nil {
		return r, err
	}
	r.filter.Actor, r.filter.Type = strings.TrimSpace(c.QueryParam("actor")), strings.TrimSpace(c.QueryParam("type"))
	if v := c.QueryParam("after"); v != "" {
		n, err := strconv.ParseUint(v, 10, 63)
		if err != nil {
			return r, domain.Invalid("after", "after phải là con trỏ (next) của trang trước", "after must be the previous page's next cursor")
		}
		r.after = int64(n)
	}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxHistoryPage {
			return r, domain.Invalid("limit", "limit phải từ 1 đến 1000", "limit must be 1 to 1000")
		}
		r.limit = n
	}
	return r, s.mayReadHistory(c, stream)
}

// mayReadHistory refuses a unit head a stream of another unit. The owner
// is read from the log, not the board projection, which may still be
// catching up after a restart.
func (s *Server) mayReadHistory(c echo.Context, stream string) error {
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	if !domain.Role(actor.Role).UnitScoped() {
		return nil
	}
	unit := ""
	ctx := c.Request().Context()
	category, id, _ := strings.Cut(stream, "-")
	switch category {
	case "unit":
		unit = id
	case "commitment":
		if st, _, err := s.svc.Commitment(ctx, id); err == nil {
			unit = st.Unit
		}
	case "task":
		if st, _, err := s.svc.Task(ctx, id); err == nil {
			unit = st.Lead
		}
	}
	if unit == "" || unit != actor.Unit {
		return domain.Forbidden("Bạn chỉ được xem lịch sử của đơn vị mình", "you may read only your own unit's history")
	}
	return nil
}

// instantParam reads an instant: RFC 3339, or a date (ISO 8601 or
// dd/mm/yyyy) meaning its first or, with endOfDay, its last instant in
// Asia/Ho_Chi_Minh. An absent parameter gives the zero time.
func instantParam(c echo.Context, name string, endOfDay bool) (time.Time, error) {
	v := strings.TrimSpace(c.QueryParam(name))
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	d, verr := domain.ParseDate(name, v)
	if verr != nil {
		return time.Time{}, domain.Invalid(name, "Thời điểm phải là ngày dd/mm/yyyy hoặc theo RFC 3339, ví dụ 2021-07-05T10:00:00+07:00",
			"must be a date dd/mm/yyyy or an RFC 3339 instant, e.g. 2021-07-05T10:00:00+07:00")
	}
	if endOfDay {
		return d.End(), nil
	}
	return d.Start(), nil
}

// history returns the entries of r's stream that its filters keep; it
// answers 404 for a stream with no events.
func (s *Server) history(ctx context.Context, r historyRequest) ([]audit.Entry, error) {
	entries, err := audit.HistoryWindow(ctx, s.svc.Log(), r.stream, r.filter, r.after, r.limit)
	if err != nil {
		return nil, err
	}
	if len(entries) == 0 && r.after < 0 && r.filter == (audit.Filter{}) {
		return nil, domain.NotFound("stream", "Không có luồng sự kiện này", "no such stream")
	}
	return entries, nil
}

// page cuts entries after r's cursor to r's limit.
func (r historyRequest) page(entries []audit.Entry) HistoryPage {
	p := HistoryPage{Stream: r.stream, Entries: []audit.Entry{}}
	for _, e := range entries {
		if int64(e.Revision) <= r.after {
			continue
		}
		if len(p.Entries) == r.limit {
			p.Next = strconv.FormatUint(p.Entries[len(p.Entries)-1].Revision, 10)
			break
		}
		p.Entries = append(p.Entries, e)
	}
	return p
}

// getHistory answers GET /api/v1/history/:stream with a page of every
// event of the stream (unit-SNV, commitment-<id>, …): who, when, effective
// date, and each field's old and new value (see readHistoryRequest).
func (s *Server) getHistory(c echo.Context) error {
	r, err := s.readHistoryRequest(c, c.Param("stream"))
	if err != nil {
		return err
	}
	entries, err := s.history(c.Request().Context(), r)
	if err != nil {
		return err
	}
	page := r.page(entries)
	if strings.HasPrefix(r.stream, "commitment-") {
		if page.Signatures, err = audit.Signatures(c.Request().Context(), s.svc.Log(), r.stream); err != nil {
			return err
		}
	}
	return c.JSON(http.StatusOK, page)
}

// exportHistory answers GET /api/v1/history/:stream/export.csv (one row
// per changed field, times in Asia/Ho_Chi_Minh) and export.jsonl (one
// entry per line, as the API gives it), with the same filters and every
// entry after the cursor.
func (s *Server) exportHistory(format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		r, err := s.readHistoryRequest(c, c.Param("stream"))
		if err != nil {
			return err
		}
		r.limit = int(^uint(0) >> 1)
		entries, err := s.history(c.Request().Context(), r)
		if err != nil {
			return err
		}
		entries = r.page(entries).Entries
		name := "history-" + strings.Map(safeFileRune, r.stream)
		var buf bytes.Buffer
		if format == "jsonl" {
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			for _, e := range entries {
				if err := enc.Encode(e); err != nil {
					return domain.Internal(err, "writing jsonl")
				}
			}
			c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.jsonl"`)
			return c.Blob(http.StatusOK, "application/jsonl; charset=utf-8", buf.Bytes())
		}
		if err := writeHistoryCSV(&buf, entries); err != nil {
			return domain.Internal(err, "writing csv")
		}
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
		return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
	}
}

func safeFileRune(r rune) rune {
	if r == '-' || r == '.' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
		return r
	}
	return '_'
}

// historyCSVHeader names the export's columns.
var historyCSVHeader = []string{"recorded_at", "recorded_at_local", "effective_on", "stream", "revision", "position", "type",
	"actor", "role", "actor_unit", "field", "old", "new"}

// writeHistoryCSV writes one row per changed field (one row with empty
// field columns for an event that changed none), with a UTF-8 byte order
// mark so that spreadsheets read Vietnamese correctly.
func writeHistoryCSV(buf *bytes.Buffer, entries []audit.Entry) error {
	buf.WriteString("\ufeff")
	w := csv.NewWriter(buf)
	_ = w.Write(historyCSVHeader)
	for _, e := range entries {
		row := []string{e.RecordedAt.UTC().Format(time.RFC3339Nano), localTime(e.RecordedAt), displayISODate(e.EffectiveOn), e.Stream,
			strconv.FormatUint(e.Revision, 10), strconv.FormatUint(uint64(e.Position), 10), e.Type, e.Actor.Subject, e.Actor.Role, e.Actor.Unit}
		if len(e.Changes) == 0 {
			_ = w.Write(append(row, "", "", ""))
		}
		for _, ch := range e.Changes {
			_ = w.Write(append(append([]string(nil), row...), ch.Field, rawText(ch.Old), rawText(ch.New)))
		}
	}
	w.Flush()
	return w.Error()
}

// localTime writes t as dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh.
func localTime(t time.Time) string { return t.In(domain.Location).Format("02/01/2006 15:04") }

// displayISODate turns 2021-06-30 into 30/06/2021 ("" stays "").
func displayISODate(s string) string {
	if s == "" {
		return ""
	}
	d, err := domain.ParseDate("", s)
	if err != nil {
		return s
	}
	return d.Display()
}

// rawText shows a JSON value for people: strings without quotes, absent
// values as "".
func rawText(v json.RawMessage) string {
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}
