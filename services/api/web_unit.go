package api

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/projection"
)

// unitPage is a unit's drill-down for a period: each commitment with each
// indicator's target, latest reported and verified values, evidence and a
// link to its history.
type unitPage struct {
	pageBase
	Code, Name, Period string
	BoardURL           template.URL
	Commitments        []unitCommitment
	// Banner says which past the page shows ("" for now).
	Banner, AsOfParam, RecordedParam string
}

type unitCommitment struct {
	Title, Status string
	HistoryURL    template.URL
	Indicators    []unitIndicator
}

// pastProvince is implemented by boards that travel in time (the
// projector).
type pastProvince interface {
	Past(ctx context.Context, t time.Time) (*projection.Province, error)
}

type unitIndicator struct {
	Name, Target, Weight, Reported, ReportedOn, Verified, Status, Due string
	Achieved                                                          bool
	Evidence                                                          []string
}

// unitDrillDown answers GET /units/:code?period=2021-Q2 (the board rows
// link here), also as of an effective date (as_of) or as recorded at an
// instant or by the end of a day (recorded_at), as the board is.
func (s *web) unitDrillDown(c echo.Context) error {
	lang := langOf(c)
	code, err := unitParam(c)
	if err != nil {
		return s.renderError(c, http.StatusNotFound, pick(lang, "Không tìm thấy đơn vị", "unit not found"))
	}
	period, verr := domain.ParsePeriod("period", c.QueryParam("period"))
	if verr != nil {
		return s.renderError(c, http.StatusUnprocessableEntity, pick(lang, verr.VI, verr.EN))
	}
	ctx := c.Request().Context()
	unit, _, err := s.svc.Unit(ctx, code)
	if err != nil {
		return s.renderError(c, http.StatusNotFound, pick(lang, "Không tìm thấy đơn vị", "unit not found"))
	}
	q := boardQueryFor(period, code)
	if err := boardFilters(c, &q); err != nil {
		return s.renderProblem(c, lang, err)
	}
	q.Search = code
	asOf := domain.AsOf{Date: period.End(), Recorded: q.AsOf.Recorded}
	if !q.AsOf.Date.IsZero() {
		asOf.Date = q.AsOf.Date
	}
	back := url.Values{"period": {period.String()}, "lang": {lang}}
	page := unitPage{pageBase: newPageBase(c, lang), Code: code, Name: unit.Name, Period: period.String()}
	page.Banner, page.AsOfParam, page.RecordedParam = travelBanner(q.AsOf, lang)
	for k, v := range map[string]string{"as_of": page.AsOfParam, "recorded_at": page.RecordedParam} {
		if v != "" {
			back.Set(k, v)
		}
	}
	page.BoardURL = template.URL("/?" + back.Encode())
	page.CSRF = csrfValue(c)
	var ids []string
	if s.cfg.Boards != nil {
		b, err := s.cfg.Boards.Board(ctx, q)
		if err != nil {
			return err
		}
		for _, r := range b.Rows {
			if r.Unit == code {
				ids = r.Commitments
				page.Name = r.Name // the name it bore then
			}
		}
	}
	// As recorded at an instant, commitments are read from the province as
	// it stood then; otherwise from the log now.
	commitment := func(id string) (domain.CommitmentState, error) {
		st, _, err := s.svc.Commitment(ctx, id)
		return st, err
	}
	if past, ok := s.cfg.Boards.(pastProvince); ok && !q.AsOf.Recorded.IsZero() {
		then, err := past.Past(ctx, q.AsOf.Recorded)
		if err != nil {
			return err
		}
		commitment = func(id string) (domain.CommitmentState, error) {
			st, ok := then.Commitment(id)
			if !ok {
				return st, domain.NotFound("commitment", "Không tìm thấy cam kết", "commitment not found")
			}
			return st, nil
		}
	}
	for _, id := range ids {
		st, err := commitment(id)
		if err != nil {
			return err
		}
		uc := unitCommitment{Title: st.Title, Status: string(st.Status),
			HistoryURL: template.URL("/audit/history?" + url.Values{"stream": {"commitment-" + id}, "lang": {lang}}.Encode())}
		for _, ind := range st.Indicators {
			shown := ind
			if !q.AsOf.Date.IsZero() { // as of an effective date: the reports effective by then
				shown.Reports = nil
				for _, r := range ind.Reports {
					if !r.EffectiveOn.After(q.AsOf.Date) {
						shown.Reports = append(shown.Reports, r)
					}
				}
			}
			v := describeIndicator(shown, asOf, lang)
			ui := unitIndicator{Name: v.Name, Weight: v.Weight, Due: v.Due, Target: v.Target, Reported: v.Reported, ReportedOn: v.ReportedOn,
				Verified: v.Verified, Status: v.Status, Achieved: ind.Achieved(asOf, domain.ModeVerified)}
			for _, e := range v.Evidence {
				ui.Evidence = append(ui.Evidence, e.Title)
			}
			uc.Indicators = append(uc.Indicators, ui)
		}
		page.Commitments = append(page.Commitments, uc)
	}
	return s.render(c, http.StatusOK, "unit.html", page)
}

func boardQueryFor(p domain.Period, code string) (q projection.Query) {
	q.Period, q.Search = p, code
	return q
}

func targetText(ind domain.Indicator, lang string) string {
	if ind.Measure == domain.MeasureBoolean {
		return pick(lang, "Có", "Yes")
	}
	op := "≥ "
	if ind.Direction == domain.AtMost {
		op = "≤ "
	}
	return op + valueText(ind, ind.Target, lang)
}

func valueText(ind domain.Indicator, v float64, lang string) string {
	switch ind.Measure {
	case domain.MeasureBoolean:
		if v == 1 {
			return pick(lang, "Có", "Yes")
		}
		return pick(lang, "Không", "No")
	case domain.MeasurePercent:
		return percentText(&v, lang)
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if lang == "vi" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}
