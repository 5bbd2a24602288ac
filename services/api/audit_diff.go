package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/projection"
)

// differ is implemented by boards that compare two recorded instants (the
// projector).
type differ interface {
	Diff(ctx context.Context, q projection.Query, from, to time.Time) (projection.BoardDiff, error)
}

// boardDiff reads the board query and from and to (RFC 3339 instants, or
// dates meaning the end of that day in Asia/Ho_Chi_Minh; both required)
// and compares the board as recorded at each.
func (s *Server) boardDiff(c echo.Context, q projection.Query) (projection.BoardDiff, error) {
	d, ok := s.cfg.Boards.(differ)
	if !ok {
		return projection.BoardDiff{}, &domain.Error{Code: domain.CodeInternal, VI: "So sánh bảng chưa sẵn sàng", EN: "board comparison is not available"}
	}
	var instants [2]time.Time
	for i, name := range []string{"from", "to"} {
		t, err := instantParam(c, name, true)
		if err != nil {
			return projection.BoardDiff{}, err
		}
		if t.IsZero() {
			return projection.BoardDiff{}, domain.Invalid(name, "Cần có thời điểm "+name+" (ngày dd/mm/yyyy hoặc RFC 3339)", name+" is required (a date dd/mm/yyyy or an RFC 3339 instant)")
		}
		instants[i] = t
	}
	q.AsOf.Recorded = time.Time{}
	return d.Diff(c.Request().Context(), q, instants[0], instants[1])
}

// getBoardDiff answers GET /api/v1/boards/:period/diff?from=T1&to=T2: the
// units whose band or rank changed between the board as recorded at T1
// and at T2, old → new, with the events recorded in between that caused
// each change. It takes the board's other parameters (mode, as_of,
// filters).
func (s *Server) getBoardDiff(c echo.Context) error {
	q, err := boardQuery(c)
	if err != nil {
		return err
	}
	d, err := s.boardDiff(c, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, d)
}
