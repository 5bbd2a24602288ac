package api

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
)

// Problem is an RFC 9457 problem detail, with camket's extensions: the
// field at fault and the message in Vietnamese (detail) and English
// (detail_en), and for conflicts the current state of the resource.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	TitleEN   string `json:"title_en"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	DetailEN  string `json:"detail_en"`
	Code      string `json:"code"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	Current   any    `json:"current,omitempty"`
}

type problemKind struct {
	status  int
	titleVI string
	titleEN string
}

// problemKinds maps every error code to one HTTP status: the only place
// that does so.
var problemKinds = map[domain.Code]problemKind{
	domain.CodeInvalid:         {http.StatusUnprocessableEntity, "Dữ liệu không hợp lệ", "Invalid input"},
	domain.CodeNotFound:        {http.StatusNotFound, "Không tìm thấy", "Not found"},
	domain.CodeConflict:        {http.StatusConflict, "Xung đột phiên bản", "Conflict"},
	domain.CodeState:           {http.StatusConflict, "Không thực hiện được ở trạng thái hiện tại", "Not allowed in the current state"},
	domain.CodePrecondition:    {http.StatusPreconditionRequired, "Thiếu phiên bản đã đọc", "Precondition required"},
	domain.CodeForbidden:       {http.StatusForbidden, "Không có quyền", "Forbidden"},
	domain.CodeUnauthenticated: {http.StatusUnauthorized, "Chưa xác thực", "Unauthenticated"},
	domain.CodeInternal:        {http.StatusInternalServerError, "Lỗi hệ thống", "Internal error"},
	codeMalformed:              {http.StatusBadRequest, "Yêu cầu sai định dạng", "Malformed request"},
	codeTooLarge:               {http.StatusRequestEntityTooLarge, "Yêu cầu quá lớn", "Request too large"},
	codeMediaType:              {http.StatusUnsupportedMediaType, "Kiểu nội dung không được hỗ trợ", "Unsupported media type"},
	codeMethod:                 {http.StatusMethodNotAllowed, "Phương thức không được hỗ trợ", "Method not allowed"},
	codeTooMany:                {http.StatusTooManyRequests, "Quá nhiều yêu cầu", "Too many requests"},
	codeUnavailable:            {http.StatusServiceUnavailable, "Dịch vụ tạm thời không có", "Service unavailable"},
	codeIntegrity:              {http.StatusInternalServerError, "Dữ liệu bị thay đổi", "Integrity failure"},
}

// Codes of errors found by the HTTP layer itself.
const (
	codeMalformed domain.Code = "malformed"
	codeTooLarge  domain.Code = "too_large"
	codeMediaType domain.Code = "unsupported_media_type"
	codeMethod    domain.Code = "method_not_allowed"
	codeTooMany   domain.Code = "too_many_requests"
	// codeUnavailable: an optional part (alerts, evidence) is not running.
	codeUnavailable domain.Code = "unavailable"
)

// withCurrent is an error that carries the resource's current
// representation, returned with a 409.
type withCurrent struct {
	err     error
	current any
}

func (w *withCurrent) Error() string { return w.err.Error() }
func (w *withCurrent) Unwrap() error { return w.err }

// errorHandler writes every error as application/problem+json. Internal
// details go to the log with the request id, never to the client.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	p := s.problemFor(err, c)
	c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
	if werr := c.JSON(p.Status, p); werr != nil {
		s.log.Error("writing problem", "err", werr, "request_id", p.RequestID)
	}
}

func (s *Server) problemFor(err error, c echo.Context) Problem {
	reqID := c.Response().Header().Get(echo.HeaderXRequestID)
	var current any
	var wc *withCurrent
	if errors.As(err, &wc) {
		current = wc.current
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		err = fromEchoError(he)
	}
	de := domain.AsError(err)
	if de == nil {
		de = domain.Internal(err, "unexpected")
	}
	kind, ok := problemKinds[de.Code]
	if !ok {
		kind = problemKinds[domain.CodeInternal]
	}
	if kind.status >= 500 {
		s.log.Error("request failed", "err", err, "request_id", reqID, "method", c.Request().Method, "path", c.Path())
	}
	return Problem{
		Type: "urn:camket:problem:" + string(de.Code), Title: kind.titleVI, TitleEN: kind.titleEN, Status: kind.status,
		Detail: de.VI, DetailEN: de.EN, Code: string(de.Code), Field: de.Field, RequestID: reqID, Current: current,
	}
}

// fromEchoError turns Echo's own errors (unknown route, wrong method, a
// panic recovered) into domain errors.
func fromEchoError(he *echo.HTTPError) error {
	switch he.Code {
	case http.StatusNotFound:
		return domain.NotFound("", "Không có đường dẫn này", "no such path")
	case http.StatusMethodNotAllowed:
		return &domain.Error{Code: codeMethod, VI: "Đường dẫn không hỗ trợ phương thức này", EN: "this path does not support the method"}
	case http.StatusRequestEntityTooLarge:
		return &domain.Error{Code: codeTooLarge, VI: "Nội dung yêu cầu vượt quá giới hạn", EN: "the request body exceeds the limit"}
	case http.StatusTooManyRequests:
		return &domain.Error{Code: codeTooMany, VI: "Quá nhiều yêu cầu, hãy thử lại sau", EN: "too many requests; try again later"}
	}
	if he.Code >= 400 && he.Code < 500 {
		return &domain.Error{Code: codeMalformed, VI: "Yêu cầu không hợp lệ", EN: "bad request"}
	}
	return domain.Internal(he, "echo")
}
