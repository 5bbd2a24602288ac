package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/projection"
)

// Boards answers board queries from the projection.
type Boards interface {
	Board(ctx context.Context, q projection.Query) (projection.Board, error)
	// WaitFor returns once the projection holds the event at pos.
	WaitFor(ctx context.Context, pos eventstore.Position) error
}

// maxBoardWait bounds how long a board request waits for the projection to
// reach the position it asked for.
const maxBoardWait = 5 * time.Second

// viewers: everyone signed in, viewers too: the board is what they see;
// and anyone at all when the public board is on.
var viewers = Rule{Allow: []domain.Role{domain.RoleAdmin, domain.RoleOffice, domain.RoleAuditor, domain.RoleUnitHead, domain.RoleReporter, domain.RoleViewer},
	PublicOption: true}

// getBoard answers GET /api/v1/boards/:period with the completion board.
// Query parameters: mode (verified, the default, or reported), as_of (a
// date: reports effective on or before it; default the period's end),
// recorded_at (an RFC 3339 instant, or a date meaning the end of that day
// in Asia/Ho_Chi_Minh: what was recorded by then), and the
// filters document, area, kind, parent and q (search ignoring diacritics).
func (s *Server) getBoard(c echo.Context) error {
	if s.cfg.Boards == nil {
		return &domain.Error{Code: domain.CodeInternal, VI: "Bảng theo dõi chưa sẵn sàng", EN: "the board is not available"}
	}
	q, err := boardQuery(c)
	if err != nil {
		return err
	}
	if after := c.QueryParam("after"); after != "" {
		pos, err := strconv.ParseUint(after, 10, 64)
		if err != nil {
			return domain.Invalid("after", "after phải là vị trí (số) do lệnh trả về", "after must be the position a command returned")
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), maxBoardWait)
		defer cancel()
		if err := s.cfg.Boards.WaitFor(ctx, eventstore.Position(pos)); err != nil {
			// The write is safe in the log; the read model is behind: ask
			// again shortly, as 503 says.
			c.Response().Header().Set("Retry-After", "1")
			return &domain.Error{Code: codeUnavailable, Field: "after", VI: "Bảng theo dõi chưa cập nhật kịp; thử lại sau giây lát",
				EN: "the board has not caught up with that position yet; try again shortly", Err: err}
		}
	}
	// The position is read before the board is computed, so a cached
	// answer is never newer than the position it is filed under.
	p, cacheable := s.cfg.Boards.(positioner)
	var pos eventstore.Position
	key := c.Param("period") + "?" + c.Request().URL.RawQuery
	if cacheable {
		pos = p.Position()
		if body, ok := s.boards.get(key, pos); ok {
			return c.JSONBlob(http.StatusOK, body)
		}
	}
	b, err := s.cfg.Boards.Board(c.Request().Context(), q)
	if err != nil {
		return err
	}
	body, err := json.Marshal(b)
	if err != nil {
		return domain.Internal(err, "encoding the board")
	}
	if cacheable {
		s.boards.put(key, pos, body)
	}
	return c.JSONBlob(http.StatusOK, body)
}

func boardQuery(c echo.Context) (projection.Query, error) {
	var q projection.Query
	var verr *domain.Error
	if q.Period, verr = domain.ParsePeriod("period", c.Param("period")); verr != nil {
		return q, verr
	}
	return q, boardFilters(c, &q)
}

// boardFilters reads the query parameters every board answer takes (the
// API's, the exports' and the page's): mode, as_of, recorded_at, kind,
// parent, document, area and q.
func boardFilters(c echo.Context, q *projection.Query) error {
	var verr *domain.Error
	switch mode := c.QueryParam("mode"); mode {
	case "", string(domain.ModeVerified):
		q.Mode = domain.ModeVerified
	case string(domain.ModeReported):
		q.Mode = domain.ModeReported
	default:
		return domain.Invalid("mode", "Chế độ phải là verified (đã thẩm định) hoặc reported (tự báo cáo)", "mode must be verified or reported")
	}
	if s := c.QueryParam("as_of"); s != "" {
		if q.AsOf.Date, verr = domain.ParseDate("as_of", s); verr != nil {
			return verr
		}
	}
	// recorded_at: an instant, or a date meaning the end of that day.
	t, err := instantParam(c, "recorded_at", true)
	if err != nil {
		return err
	}
	q.AsOf.Recorded = t
	if s := c.QueryParam("kind"); s != "" {
		q.Kind = domain.UnitKind(s)
		if !q.Kind.Valid() {
			return domain.Invalid("kind", "Loại đơn vị không hợp lệ", "unknown unit kind")
		}
	}
	if s := c.QueryParam("parent"); s != "" {
		if q.Parent, verr = domain.NormalizeUnitCode("parent", s); verr != nil {
			return verr
		}
	}
	for name, dst := range map[string]*string{"document": &q.Document, "area": &q.Area, "q": &q.Search} {
		v, verr := domain.CleanText(name, c.QueryParam(name), domain.MaxShortLen, false)
		if verr != nil {
			return verr
		}
		*dst = v
	}
	q.Document = strings.ToLower(q.Document)
	return nil
}
