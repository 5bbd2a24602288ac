package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// CommitmentView is a commitment with its completion computed by the rules
// in force at the end of its period, self-reported and verified.
type CommitmentView struct {
	domain.CommitmentState
	Completion map[domain.ValueMode]CompletionFigure `json:"completion"`
}

// CompletionFigure is a completion percentage and its band; Percent is nil
// when the commitment has no indicators.
type CompletionFigure struct {
	Percent *float64 `json:"percent"`
	Band    string   `json:"band"`
}

func (s *Server) commitmentResource(ctx context.Context, c echo.Context) (Resource, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return Resource{}, err
	}
	state, v, err := s.svc.Commitment(ctx, id)
	if err != nil {
		return Resource{}, err
	}
	rules, err := s.svc.RulesInForce(ctx, state.Period.End())
	if err != nil {
		return Resource{}, err
	}
	view := CommitmentView{CommitmentState: state, Completion: map[domain.ValueMode]CompletionFigure{}}
	for _, mode := range []domain.ValueMode{domain.ModeReported, domain.ModeVerified} {
		r := state.Completion(domain.AsOf{}, mode)
		fig := CompletionFigure{Band: domain.BandOf(rules.Bands, r)}
		if r != nil {
			p := r.Percent()
			fig.Percent = &p
		}
		view.Completion[mode] = fig
	}
	return Resource{Revision: v.Revision, State: view}, nil
}

func (s *Server) getCommitment(c echo.Context) error { return s.read(s.commitmentResource, false)(c) }

func (s *Server) draftCommitment(c echo.Context) error {
	return command(s, http.StatusCreated, nil, func(ctx context.Context, call app.Call, c echo.Context, body domain.DraftCommitment) (app.Result, error) {
		res, err := s.svc.DraftCommitment(ctx, call, body)
		if err == nil {
			c.Response().Header().Set(echo.HeaderLocation, "/api/v1/commitments/"+res.ID)
		}
		return res, err
	})(c)
}

// commitmentCommand runs a command on the commitment named by the path,
// passing the path's indicator and report ids (empty when absent).
func commitmentCommand[T any](s *Server, status int, run func(ctx context.Context, call app.Call, ids pathIDs, body T) (app.Result, error)) echo.HandlerFunc {
	return command(s, status, s.commitmentResource, func(ctx context.Context, call app.Call, c echo.Context, body T) (app.Result, error) {
		ids, err := commitmentIDs(c)
		if err != nil {
			return app.Result{}, err
		}
		return run(ctx, call, ids, body)
	})
}

type pathIDs struct{ commitment, indicator, report string }

func commitmentIDs(c echo.Context) (pathIDs, error) {
	var ids pathIDs
	var err error
	if ids.commitment, err = idParam(c, "id"); err != nil {
		return ids, err
	}
	if c.Param("indicator") != "" {
		if ids.indicator, err = idParam(c, "indicator"); err != nil {
			return ids, err
		}
	}
	if c.Param("report") != "" {
		if ids.report, err = idParam(c, "report"); err != nil {
			return ids, err
		}
	}
	return ids, nil
}

func (s *Server) addIndicator(c echo.Context) error {
	return commitmentCommand(s, http.StatusCreated, func(ctx context.Context, call app.Call, ids pathIDs, body domain.IndicatorInput) (app.Result, error) {
		return s.svc.AddIndicator(ctx, call, ids.commitment, body)
	})(c)
}

func (s *Server) updateIndicator(c echo.Context) error {
	return commitmentCommand(s, http.StatusOK, func(ctx context.Context, call app.Call, ids pathIDs, body domain.IndicatorInput) (app.Result, error) {
		return s.svc.UpdateIndicator(ctx, call, ids.commitment, ids.indicator, body)
	})(c)
}

func (s *Server) removeIndicator(c echo.Context) error {
	return commandNoBody(s, s.commitmentResource, func(ctx context.Context, call app.Call, c echo.Context) (app.Result, error) {
		ids, err := commitmentIDs(c)
		if err != nil {
			return app.Result{}, err
		}
		return s.svc.RemoveIndicator(ctx, call, ids.commitment, ids.indicator)
	})(c)
}

func (s *Server) signCommitment(c echo.Context) error {
	return commitmentCommand(s, http.StatusOK, func(ctx context.Context, call app.Call, ids pathIDs, body domain.SignCommitment) (app.Result, error) {
		return s.svc.SignCommitment(ctx, call, ids.commitment, body)
	})(c)
}

func (s *Server) amendCommitment(c echo.Context) error {
	return commitmentCommand(s, http.StatusOK, func(ctx context.Context, call app.Call, ids pathIDs, body domain.ReasonCommand) (app.Result, error) {
		return s.svc.AmendCommitment(ctx, call, ids.commitment, body)
	})(c)
}

func (s *Server) reportValue(c echo.Context) error {
	return commitmentCommand(s, http.StatusCreated, func(ctx context.Context, call app.Call, ids pathIDs, body domain.ReportValue) (app.Result, error) {
		return s.svc.ReportValue(ctx, call, ids.commitment, ids.indicator, body)
	})(c)
}

func (s *Server) verifyValue(c echo.Context) error {
	return commitmentCommand(s, http.StatusOK, func(ctx context.Context, call app.Call, ids pathIDs, body domain.VerifyValue) (app.Result, error) {
		return s.svc.VerifyValue(ctx, call, ids.commitment, ids.indicator, ids.report, body)
	})(c)
}

func (s *Server) rejectValue(c echo.Context) error {
	return commitmentCommand(s, http.StatusOK, func(ctx context.Context, call app.Call, ids pathIDs, body domain.ReasonCommand) (app.Result, error) {
		return s.svc.RejectValue(ctx, call, ids.commitment, ids.indicator, ids.report, body)
	})(c)
}
