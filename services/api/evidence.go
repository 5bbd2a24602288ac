package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
	"github.com/camket/camket/pkg/evidence"
	"github.com/camket/camket/pkg/projection"
)

// EvidenceStore keeps evidence files by SHA-256 (*evidence.Store).
type EvidenceStore interface {
	Put(ctx context.Context, r io.Reader) (evidence.Object, error)
	Get(ctx context.Context, sha string) ([]byte, evidence.Object, error)
	MaxBytes() int64
	// Verify re-reads the files refs name and returns those missing or
	// altered.
	Verify(ctx context.Context, refs []domain.EvidenceRef) ([]evidence.Finding, error)
}

// EvidenceCheck is the evidence part of GET /api/v1/audit/verify: how many
// files the log names by hash, and those missing or altered.
type EvidenceCheck struct {
	Files    int                `json:"files"`
	Findings []evidence.Finding `json:"findings"`
}

// verifyEvidence re-reads every file the log names, once the read model
// has caught up with head; nil when the server has no evidence store.
func (s *Server) verifyEvidence(ctx context.Context, head eventstore.Position) (*EvidenceCheck, error) {
	pr, ok := s.cfg.Boards.(provinceReader)
	if s.cfg.Evidence == nil || !ok {
		return nil, nil
	}
	wait, cancel := context.WithTimeout(ctx, maxBoardWait)
	defer cancel()
	if err := s.cfg.Boards.WaitFor(wait, head); err != nil {
		return nil, fmt.Errorf("waiting for the read model: %w", err)
	}
	var refs []domain.EvidenceRef
	pr.Read(func(p *projection.Province) { refs = p.EvidenceRefs() })
	found, err := s.cfg.Evidence.Verify(ctx, refs)
	if err != nil {
		return nil, err
	}
	if found == nil {
		found = []evidence.Finding{}
	}
	return &EvidenceCheck{Files: len(refs), Findings: found}, nil
}

var _ EvidenceStore = (*evidence.Store)(nil)

// uploaders: whoever reports or verifies may attach evidence.
var uploaders = Rule{Allow: []domain.Role{domain.RoleAdmin, domain.RoleOffice, domain.RoleUnitHead, domain.RoleReporter}}

// codeIntegrity: a stored evidence file no longer matches its hash.
const codeIntegrity domain.Code = "integrity"

func noEvidenceStore() error {
	return &domain.Error{Code: codeUnavailable, VI: "Kho tệp minh chứng chưa được cấu hình trên máy chủ này",
		EN: "this server has no evidence store configured"}
}

// evidenceError turns the evidence store's errors into camket's, naming
// field.
func evidenceError(field string, err error) error {
	switch {
	case errors.Is(err, evidence.ErrTooLarge):
		return &domain.Error{Code: codeTooLarge, Field: field, VI: "Tệp minh chứng vượt quá dung lượng cho phép", EN: "the evidence file exceeds the size limit"}
	case errors.Is(err, evidence.ErrType):
		return &domain.Error{Code: codeMediaType, Field: field, VI: "Chỉ nhận minh chứng là PDF, ảnh hoặc văn bản Office (xác định theo nội dung tệp)",
			EN: "evidence must be a PDF, an image or an office document (judged by the file's content)"}
	case errors.Is(err, evidence.ErrNotFound), errors.Is(err, evidence.ErrHash):
		return domain.NotFound(field, "Không tìm thấy tệp minh chứng", "evidence file not found")
	case errors.Is(err, evidence.ErrIntegrity):
		return &domain.Error{Code: codeIntegrity, Field: field, Err: err,
			VI: "Tệp minh chứng trong kho đã bị thay đổi: nội dung không còn khớp mã băm SHA-256 đã ghi",
			EN: "the stored evidence file was altered: its content no longer matches the recorded SHA-256"}
	}
	return domain.Internal(err, "evidence store")
}

// postEvidence answers POST /api/v1/evidence whose body is the file: it is
// stored under its SHA-256 (201 with the hash, size and sniffed type), to
// be named in a report's evidence[].sha256.
func (s *Server) postEvidence(c echo.Context) error {
	store := s.cfg.Evidence
	if store == nil {
		return noEvidenceStore()
	}
	if c.Request().ContentLength > store.MaxBytes() {
		return evidenceError("file", evidence.ErrTooLarge)
	}
	obj, err := store.Put(c.Request().Context(), c.Request().Body)
	if err != nil {
		return evidenceError("file", err)
	}
	return c.JSON(http.StatusCreated, obj)
}

// getEvidence answers GET /api/v1/evidence/:sha256 with the file, after
// checking it against its hash. Anyone who may read the reports may read
// their evidence (the readers rule); files carry no unit of their own.
func (s *Server) getEvidence(c echo.Context) error {
	store := s.cfg.Evidence
	if store == nil {
		return noEvidenceStore()
	}
	data, obj, err := store.Get(c.Request().Context(), c.Param("sha256"))
	if err != nil {
		return evidenceError("sha256", err)
	}
	h := c.Response().Header()
	h.Set("ETag", `"`+obj.SHA256+`"`)
	h.Set("Cache-Control", "private, max-age=86400, immutable")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+obj.SHA256[:12]+extensionOf(obj.ContentType)+`"`)
	return c.Blob(http.StatusOK, obj.ContentType, data)
}

func extensionOf(ctype string) string {
	switch ctype {
	case evidence.TypePDF:
		return ".pdf"
	case evidence.TypePNG:
		return ".png"
	case evidence.TypeJPEG:
		return ".jpg"
	case evidence.TypeDOCX:
		return ".docx"
	case evidence.TypeXLSX:
		return ".xlsx"
	}
	return ""
}
