package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"

	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/importer"
)

// maxImportBytes bounds an uploaded import file.
const maxImportBytes = 20 << 20

// importers: who may load files into the log.
var importers = Rule{Allow: []domain.Role{domain.RoleAdmin, domain.RoleOffice}}

// ImportProblem is the 422 answer of an import with bad rows: nothing was
// written; Rows lists every problem with its sheet, row and column.
type ImportProblem struct {
	Problem
	Rows []importer.Problem `json:"rows"`
}

// getImportTemplate answers GET /api/v1/import/template.xlsx: an empty
// workbook with the sheets and columns the importer expects.
func (s *Server) getImportTemplate(c echo.Context) error {
	var buf bytes.Buffer
	if err := importer.Template(&buf, importer.FormatXLSX); err != nil {
		return domain.Internal(err, "writing the import template")
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="camket-mau-nhap-lieu.xlsx"`)
	return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.Bytes())
}

// postImport answers POST /api/v1/import?filename=plan.xlsx[&dry_run=true]
// whose body is the file (XLSX, CSV or YAML, told by the file name).
func (s *Server) postImport(c echo.Context) error {
	name := filepath.Base(c.QueryParam("filename"))
	if importer.FormatOf(name) == "" {
		return domain.Invalid("filename", "Tên tệp phải có đuôi .xlsx, .csv, .yaml hoặc .yml", "filename must end in .xlsx, .csv, .yaml or .yml")
	}
	data, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxImportBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(maxImportBytes)
		}
		return malformed("", "Không đọc được tệp", "the file could not be read")
	}
	res, err := s.runImport(c, name, data, c.QueryParam("dry_run") == "true")
	if err != nil {
		return err
	}
	if len(res.Problems) > 0 {
		p := s.problemFor(domain.Invalid("file",
			fmt.Sprintf("Tệp có %d dòng lỗi; chưa nhập dữ liệu nào", len(res.Problems)),
			fmt.Sprintf("the file has %d bad rows; nothing was imported", len(res.Problems))), c)
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
		return c.JSON(p.Status, ImportProblem{Problem: p, Rows: res.Problems})
	}
	return c.JSON(http.StatusOK, res)
}

// runImport parses data and, unless it has problems, applies it as the
// request's actor.
func (s *Server) runImport(c echo.Context, name string, data []byte, dryRun bool) (importer.Result, error) {
	actor, err := actorOf(c)
	if err != nil {
		return importer.Result{}, err
	}
	batch, problems, err := importer.ParseBytes(name, data)
	if err != nil {
		return importer.Result{}, domain.Invalid("file", "Không đọc được tệp: sai định dạng", "the file could not be read: wrong format")
	}
	if len(problems) > 0 {
		return importer.Result{Problems: problems}, nil
	}
	res, err := importer.New(s.svc, actor).Import(c.Request().Context(), batch, importer.Options{DryRun: dryRun})
	if err != nil {
		return importer.Result{}, err
	}
	return res, nil
}

// importPage is the office's upload page and its result.
type importPage struct {
	pageBase
	Done     bool
	Summary  string
	Problems []string
}

// getImportPage answers GET /import: the upload form.
func (s *Server) getImportPage(c echo.Context) error {
	return s.renderImport(c, http.StatusOK, importPage{})
}

// postImportPage answers POST /import: the uploaded file (multipart field
// "file"), checked and imported, with the result or every bad row shown.
func (s *Server) postImportPage(c echo.Context) error {
	lang := langOf(c)
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, maxImportBytes)
	if !csrfOK(c) {
		return s.renderError(c, http.StatusForbidden, texts[lang].CSRFRefused)
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return s.renderImport(c, http.StatusUnprocessableEntity, importPage{Problems: []string{pick(lang, "Chưa chọn tệp", "no file was chosen")}})
	}
	f, err := fh.Open()
	if err != nil {
		return domain.Internal(err, "opening the upload")
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return domain.Internal(err, "reading the upload")
	}
	res, err := s.runImport(c, filepath.Base(fh.Filename), data, c.FormValue("dry_run") == "on")
	if de := domain.AsError(err); de != nil && de.Code == domain.CodeInvalid {
		return s.renderImport(c, http.StatusUnprocessableEntity, importPage{Problems: []string{pick(lang, de.VI, de.EN)}})
	}
	if err != nil {
		return err
	}
	page := importPage{Done: len(res.Problems) == 0, Summary: res.String()}
	status := http.StatusOK
	for _, p := range res.Problems {
		page.Problems = append(page.Problems, p.String())
		status = http.StatusUnprocessableEntity
	}
	return s.renderImport(c, status, page)
}

func (s *Server) renderImport(c echo.Context, status int, page importPage) error {
	lang := langOf(c)
	page.pageBase = newPageBase(c, lang)
	page.CSRF = csrfValue(c)
	if page.CSRF == "" {
		page.CSRF = newCSRF(c)
	}
	return s.render(c, status, "import.html", page)
}
