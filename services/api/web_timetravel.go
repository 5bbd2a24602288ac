package api

import (
	"time"

	"github.com/camket/camket/pkg/domain"
)

// travelBanner says which past a board or drill-down shows, for a: on the
// recorded clock, what had been recorded by an instant (the board exactly
// as it was answered then); on the effective clock, the reports effective
// by a date, as recorded now. It also returns the as_of and recorded_at
// parameters that ask for the same past ("" for the live board).
func travelBanner(a domain.AsOf, lang string) (banner, asOf, recorded string) {
	var vi, en string
	if !a.Recorded.IsZero() {
		when := a.Recorded.In(domain.Location).Format("02/01/2006 15:04")
		vi = "Bảng tại thời điểm " + when + " (số liệu đã ghi nhận đến lúc đó)"
		en = "Board as of " + when + " (figures as recorded then)"
		recorded = a.Recorded.UTC().Format(time.RFC3339Nano)
	}
	if !a.Date.IsZero() {
		d := a.Date.Display()
		if vi == "" {
			vi, en = "Bảng tại thời điểm hiệu lực "+d, "Board as of effective date "+d
		} else {
			vi, en = vi+"; ngày hiệu lực "+d, en+"; effective date "+d
		}
		vi += " (báo cáo có ngày hiệu lực đến ngày này)"
		en += " (reports effective by then)"
		asOf = d
	}
	return pick(lang, vi, en), asOf, recorded
}
