package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

func (s *Server) documentResource(ctx context.Context, c echo.Context) (Resource, error) {
	id, err := idParam(c, "id")
	if err != nil {
		return Resource{}, err
	}
	return resource(s.svc.Document(ctx, id))
}

func (s *Server) getDocument(c echo.Context) error { return s.read(s.documentResource, true)(c) }

func (s *Server) issueDocument(c echo.Context) error {
	return command(s, http.StatusCreated, nil, func(ctx context.Context, call app.Call, c echo.Context, body domain.IssueDocument) (app.Result, error) {
		res, err := s.svc.IssueDocument(ctx, call, body)
		if err == nil {
			c.Response().Header().Set(echo.HeaderLocation, "/api/v1/documents/"+res.ID)
		}
		return res, err
	})(c)
}

func (s *Server) assignTask(c echo.Context) error {
	return command(s, http.StatusCreated, nil, func(ctx context.Context, call app.Call, c echo.Context, body domain.AssignTask) (app.Result, error) {
		id, err := idParam(c, "id")
		if err != nil {
			return app.Result{}, err
		}
		res, err := s.svc.AssignTask(ctx, call, id, body)
		if err == nil {
			c.Response().Header().Set(echo.HeaderLocation, "/api/v1/tasks/"+res.ID)
		}
		return res, err
	})(c)
}
