package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// RulesView lists the rule set: every published version, and the version
// in force today.
type RulesView struct {
	InForce  domain.Rules   `json:"in_force"`
	Versions []domain.Rules `json:"versions"`
}

func (s *Server) rulesResource(ctx context.Context, _ echo.Context) (Resource, error) {
	versions, v, err := s.svc.RuleSet(ctx)
	if err != nil {
		return Resource{}, err
	}
	today, err := s.svc.RulesInForce(ctx, domain.DateOf(s.svc.Log().Now()))
	if err != nil {
		return Resource{}, err
	}
	if versions == nil {
		versions = []domain.Rules{}
	}
	return Resource{Revision: v.Revision, State: RulesView{InForce: today, Versions: versions}, empty: !v.Exists}, nil
}

func (s *Server) getRules(c echo.Context) error { return s.read(s.rulesResource, false)(c) }

func (s *Server) publishRules(c echo.Context) error {
	return command(s, http.StatusCreated, s.rulesResource, func(ctx context.Context, call app.Call, c echo.Context, body domain.PublishRules) (app.Result, error) {
		return s.svc.PublishRules(ctx, call, body)
	})(c)
}
