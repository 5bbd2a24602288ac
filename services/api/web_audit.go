package api

import (
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/audit"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/projection"
)

// historyView is what the history page shows.
type historyView struct {
	pageBase
	Stream, Kind, ID         string
	Kinds                    []string
	Type, Actor, From, To    string
	Types                    []string
	Rows                     []historyRow
	Related                  []relatedStream
	NextURL, CSVURL, JSONURL template.URL
}

type historyRow struct {
	When, Effective, Type, Who, Role, Unit string
	Revision                               uint64
	Changes                                []changeView
}

type changeView struct{ Field, Old, New string }

type relatedStream struct {
	Stream string
	URL    template.URL
}

// historyKinds are the kinds of stream the page searches.
var historyKinds = []string{"unit", "commitment", "task", "document"}

// historyPage answers GET /audit/history: a search by unit code, or
// commitment, task or document id (kind and id), or a stream; then that
// stream's history with the filters type, actor, from and to (dates
// dd/mm/yyyy), paged by after, with CSV and JSON Lines exports of the same
// selection. Recorded times are shown dd/mm/yyyy HH:mm in Asia/Ho_Chi_Minh.
func (s *web) historyPage(c echo.Context) error {
	lang := langOf(c)
	v := historyView{pageBase: newPageBase(c, lang), Kinds: historyKinds, Kind: c.QueryParam("kind"), ID: strings.TrimSpace(c.QueryParam("id")),
		Type: c.QueryParam("type"), Actor: c.QueryParam("actor"), From: c.QueryParam("from"), To: c.QueryParam("to")}
	v.CSRF = csrfValue(c)
	v.Stream = c.QueryParam("stream")
	if v.Stream == "" && v.ID != "" {
		id := v.ID
		if v.Kind == "unit" {
			id = strings.ToUpper(id)
		}
		v.Stream = v.Kind + "-" + id
	}
	if v.Stream == "" {
		return s.render(c, http.StatusOK, "history.html", v)
	}
	if kind, id, ok := strings.Cut(v.Stream, "-"); ok {
		v.Kind, v.ID = kind, id
	}
	r, err := s.readHistoryRequest(c, v.Stream)
	if err != nil {
		return s.renderProblem(c, lang, err)
	}
	ctx := c.Request().Context()
	all, err := s.history(ctx, historyRequest{stream: r.stream, after: -1})
	if err != nil {
		return s.renderProblem(c, lang, err)
	}
	types := map[string]bool{}
	for _, e := range all {
		types[e.Type] = true
	}
	for t := range types {
		v.Types = append(v.Types, t)
	}
	sort.Strings(v.Types)
	entries, err := audit.History(ctx, s.svc.Log(), r.stream, r.filter)
	if err != nil {
		return s.renderProblem(c, lang, err)
	}
	page := r.page(entries)
	for _, e := range page.Entries {
		row := historyRow{When: localTime(e.RecordedAt), Effective: displayISODate(e.EffectiveOn), Type: e.Type, Revision: e.Revision,
			Who: e.Actor.Subject, Role: e.Actor.Role, Unit: e.Actor.Unit}
		for _, ch := range e.Changes {
			row.Changes = append(row.Changes, changeView{Field: ch.Field, Old: rawText(ch.Old), New: rawText(ch.New)})
		}
		v.Rows = append(v.Rows, row)
	}
	q := url.Values{"stream": {r.stream}}
	for _, k := range []string{"type", "actor", "from", "to"} {
		if val := c.QueryParam(k); val != "" {
			q.Set(k, val)
		}
	}
	export := "/api/v1/history/" + url.PathEscape(r.stream) + "/export."
	v.CSVURL = template.URL(export + "csv?" + q.Encode())
	v.JSONURL = template.URL(export + "jsonl?" + q.Encode())
	if lang == "en" {
		q.Set("lang", "en")
	}
	if page.Next != "" {
		next := url.Values{}
		for k, vals := range q {
			next[k] = vals
		}
		next.Set("after", page.Next)
		v.NextURL = template.URL("/audit/history?" + next.Encode())
	}
	if unit, ok := strings.CutPrefix(r.stream, "unit-"); ok {
		if p, ok := s.cfg.Boards.(provinceReader); ok {
			var streams []string
			p.Read(func(pr *projection.Province) { streams = pr.StreamsOf(unit) })
			for _, st := range streams[1:] {
				v.Related = append(v.Related, relatedStream{Stream: st, URL: template.URL("/audit/history?" + url.Values{"stream": {st}, "lang": {lang}}.Encode())})
			}
		}
	}
	return s.render(c, http.StatusOK, "history.html", v)
}

// renderProblem shows a domain error on an HTML page with its status;
// refusals (401, 403) and internal errors go to the API's error handler,
// as the access check's own refusals do.
func (s *web) renderProblem(c echo.Context, lang string, err error) error {
	de := domain.AsError(err)
	if de == nil || de.Code == domain.CodeForbidden || de.Code == domain.CodeUnauthenticated {
		return err
	}
	kind, ok := problemKinds[de.Code]
	if !ok || kind.status >= 500 {
		return err
	}
	return s.renderError(c, kind.status, pick(lang, de.VI, de.EN))
}

// diffView is what the diff page shows.
type diffView struct {
	pageBase
	Period, From, To string
	Periods          []string
	Asked            bool
	Changes          []diffRow
}

type diffRow struct {
	Unit, Name, OldBand, NewBand, OldPercent, NewPercent string
	OldRank, NewRank                                     int
	Causes                                               []causeView
}

type causeView struct {
	Stream, Type, Who, When string
	URL                     template.URL
}

// diffPage answers GET /audit/diff?period=2021-Q2&from=30/06/2021&to=15/07/2021:
// the units whose band or rank changed between the board as recorded at
// the end of from and at the end of to, and the events that caused it.
func (s *web) diffPage(c echo.Context) error {
	lang := langOf(c)
	v := diffView{pageBase: newPageBase(c, lang), From: c.QueryParam("from"), To: c.QueryParam("to")}
	v.CSRF = csrfValue(c)
	q, err := s.pageQuery(c)
	if err != nil {
		return s.renderProblem(c, lang, err)
	}
	v.Period, v.Periods = q.Period.String(), periodChoices(q.Period)
	if v.From == "" && v.To == "" {
		return s.render(c, http.StatusOK, "diff.html", v)
	}
	d, err := s.boardDiff(c, q)
	if err != nil {
		return s.renderProblem(c, lang, err)
	}
	v.Asked = true
	labels := map[string]string{}
	for _, b := range append(d.Before.Bands, d.After.Bands...) {
		labels[b.Key] = pick(lang, b.LabelVI, b.LabelEN)
	}
	for _, ch := range d.Changes {
		row := diffRow{Unit: ch.Unit, Name: ch.Name, OldBand: labels[ch.OldBand], NewBand: labels[ch.NewBand], OldRank: ch.OldRank, NewRank: ch.NewRank,
			OldPercent: percentText(ch.OldPercent, lang), NewPercent: percentText(ch.NewPercent, lang)}
		for _, cause := range ch.Causes {
			row.Causes = append(row.Causes, causeView{Stream: cause.Stream, Type: cause.Type, When: localTime(cause.RecordedAt),
				Who: cause.Actor.Subject + " (" + cause.Actor.Role + ")",
				URL: template.URL("/audit/history?" + url.Values{"stream": {cause.Stream}, "lang": {lang}}.Encode())})
		}
		v.Changes = append(v.Changes, row)
	}
	return s.render(c, http.StatusOK, "diff.html", v)
}
