package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

func (s *Server) unitResource(ctx context.Context, c echo.Context) (Resource, error) {
	code, err := unitParam(c)
	if err != nil {
		return Resource{}, err
	}
	return resource(s.svc.Unit(ctx, code))
}

func (s *Server) getUnit(c echo.Context) error { return s.read(s.unitResource, true)(c) }

func (s *Server) registerUnit(c echo.Context) error {
	return command(s, http.StatusCreated, nil, func(ctx context.Context, call app.Call, c echo.Context, body domain.RegisterUnit) (app.Result, error) {
		res, err := s.svc.RegisterUnit(ctx, call, body)
		if err == nil {
			c.Response().Header().Set(echo.HeaderLocation, "/api/v1/units/"+res.ID)
		}
		return res, err
	})(c)
}

func (s *Server) renameUnit(c echo.Context) error {
	return command(s, http.StatusOK, s.unitResource, func(ctx context.Context, call app.Call, c echo.Context, body domain.RenameUnit) (app.Result, error) {
		code, err := unitParam(c)
		if err != nil {
			return app.Result{}, err
		}
		return s.svc.RenameUnit(ctx, call, code, body)
	})(c)
}

func (s *Server) changeUnitHead(c echo.Context) error {
	return command(s, http.StatusOK, s.unitResource, func(ctx context.Context, call app.Call, c echo.Context, body domain.ChangeUnitHead) (app.Result, error) {
		code, err := unitParam(c)
		if err != nil {
			return app.Result{}, err
		}
		return s.svc.ChangeUnitHead(ctx, call, code, body)
	})(c)
}
