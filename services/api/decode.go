package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
)

// decodeJSON reads the request body into v strictly: the content type must
// be JSON, the body at most the server's limit, every field known, types
// right, and exactly one JSON value. Errors name the field.
func (s *Server) decodeJSON(c echo.Context, v any) error {
	req := c.Request()
	if ct := req.Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &domain.Error{Code: codeMediaType, Field: "Content-Type",
				VI: "Nội dung phải là JSON (application/json)", EN: "the body must be JSON (application/json)"}
		}
	}
	if req.ContentLength > s.cfg.MaxBodyBytes {
		return tooLarge(s.cfg.MaxBodyBytes)
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(s.cfg.MaxBodyBytes)
		}
		return malformed("", "Không đọc được nội dung yêu cầu", "the request body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return malformed("", "Thiếu nội dung JSON", "the request body is empty; a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return malformed("", "Nội dung chỉ được chứa một giá trị JSON", "the body must hold exactly one JSON value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return malformed("", "Nội dung chỉ được chứa một giá trị JSON", "the body must hold exactly one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var de *domain.Error
	switch {
	case errors.As(err, &de):
		return de
	case errors.As(err, &se):
		return malformed("", "JSON sai cú pháp", "malformed JSON")
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return malformed("", "Nội dung phải là một đối tượng JSON", "the body must be a JSON object")
		}
		return &domain.Error{Code: codeMalformed, Field: field,
			VI: "Sai kiểu dữ liệu: cần " + typeVI(te.Type.Kind().String()), EN: "wrong type: expected " + te.Type.Kind().String()}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("", "JSON bị cắt cụt", "truncated JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &domain.Error{Code: codeMalformed, Field: field, VI: "Trường không được hỗ trợ", EN: "unknown field"}
	}
	return malformed("", "JSON không hợp lệ", "invalid JSON")
}

func typeVI(kind string) string {
	switch kind {
	case "string":
		return "chuỗi ký tự"
	case "float64", "int", "int64":
		return "số"
	case "bool":
		return "đúng/sai"
	case "slice":
		return "danh sách"
	case "struct", "map":
		return "đối tượng"
	}
	return kind
}

func malformed(field, vi, en string) *domain.Error {
	return &domain.Error{Code: codeMalformed, Field: field, VI: vi, EN: en}
}

func tooLarge(limit int64) *domain.Error {
	return &domain.Error{Code: codeTooLarge, VI: "Nội dung yêu cầu vượt quá giới hạn " + humanBytes(limit),
		EN: "the request body exceeds the limit of " + humanBytes(limit)}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
