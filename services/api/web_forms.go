package api

import (
	"context"
	"errors"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
	"github.com/camket/camket/pkg/eventstore"
)

// maxFormFiles bounds the evidence files one form may carry.
const maxFormFiles = 10

// form is one posted workspace form: its CSRF pair checked, the revision it
// was opened at (If-Match) and its idempotency key. Every workspace form
// goes through openForm and finish, so adding a field to all of them (a
// signature, say) happens here.
type form struct {
	c    echo.Context
	lang string
	call app.Call
	// key is the form's idempotency key: a hidden field filled when the
	// page was rendered, the same however often the form is sent.
	key string
	// back is the page to return to.
	back string
}

// errFormRefused is returned once openForm has answered the request itself.
var errFormRefused = errors.New("form refused")

// openForm checks a posted form and returns it; when it answers the
// request itself (CSRF refused, malformed key) the error is errFormRefused
// or the answer's error.
func (w *web) openForm(c echo.Context, back string) (*form, error) {
	lang := langOf(c)
	limit := int64(1<<20) + maxFormFiles*w.evidenceLimit()
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, limit)
	if !csrfOK(c) {
		return nil, errors.Join(errFormRefused, w.renderError(c, http.StatusForbidden, texts[lang].CSRFRefused))
	}
	call, err := w.call(c)
	if err != nil {
		return nil, err
	}
	if rev := c.FormValue("revision"); rev != "" {
		n, perr := strconv.ParseUint(rev, 10, 64)
		if perr != nil {
			return nil, errors.Join(errFormRefused, w.renderError(c, http.StatusBadRequest, pick(lang, "Phiên bản không hợp lệ", "invalid revision")))
		}
		call.IfMatch = &n
	}
	key, kerr := uuid.Parse(c.FormValue("key"))
	if kerr != nil {
		return nil, errors.Join(errFormRefused, w.renderError(c, http.StatusBadRequest, pick(lang, "Biểu mẫu thiếu mã gửi; hãy tải lại trang", "the form has no submission key; reload the page")))
	}
	return &form{c: c, lang: lang, call: call, key: key.String(), back: back + langQuery(lang)}, nil
}

// newID returns the id the form's command creates: derived from the form's
// key and sender, so sending the form twice names the same report or
// request, and nobody else's form can name it.
func (f *form) newID(kind string) string {
	return app.KeyID("web-form:" + kind + ":" + f.sender() + "/" + f.key)
}

// sender names who sends the form: role, unit and subject.
func (f *form) sender() string {
	a := f.call.Actor
	return a.Role + "/" + a.Unit + "/" + a.Subject
}

// text returns a form field, trimmed.
func (f *form) text(name string) string { return strings.TrimSpace(f.c.FormValue(name)) }

// number parses a number as people write it here: "85", "85,5" or "85.5".
// Empty is nil; anything else unparsable is an invalid field.
func (f *form) number(name string) (*float64, error) { return parseNumber(name, f.text(name)) }

// parseNumber parses "85", "85,5" or "85.5"; empty is nil.
func parseNumber(name, s string) (*float64, error) {
	s = strings.ReplaceAll(s, ",", ".")
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, domain.Invalid(name, "Giá trị phải là số", "the value must be a number")
	}
	return &v, nil
}

// evidence returns the form's evidence: files already stored (hidden
// fields a conflict page carries) and the files uploaded now, each stored
// by its SHA-256.
func (w *web) evidence(f *form) ([]domain.EvidenceRef, error) {
	var refs []domain.EvidenceRef
	titles := f.c.Request().Form["evidence_title"]
	for i, sha := range f.c.Request().Form["evidence_sha"] {
		title := sha[:min(12, len(sha))]
		if i < len(titles) {
			title = titles[i]
		}
		refs = append(refs, domain.EvidenceRef{Title: title, SHA256: sha, Ref: "/api/v1/evidence/" + url.PathEscape(sha)})
	}
	mf := f.c.Request().MultipartForm
	if mf == nil || len(mf.File["evidence"]) == 0 {
		return refs, nil
	}
	files := mf.File["evidence"]
	if w.cfg.Evidence == nil {
		return nil, noEvidenceStore()
	}
	if len(files) > maxFormFiles {
		return nil, domain.Invalid("evidence", "Tối đa 10 tệp minh chứng mỗi lần", "at most 10 evidence files at a time")
	}
	for _, fh := range files {
		if fh.Size == 0 {
			continue
		}
		r, err := fh.Open()
		if err != nil {
			return nil, domain.Internal(err, "opening an uploaded file")
		}
		obj, err := w.cfg.Evidence.Put(f.c.Request().Context(), r)
		r.Close()
		if err != nil {
			return nil, evidenceError("evidence", err)
		}
		refs = append(refs, domain.EvidenceRef{Title: filepath.Base(fh.Filename), SHA256: obj.SHA256, Ref: "/api/v1/evidence/" + obj.SHA256})
	}
	return refs, nil
}

func (w *web) evidenceLimit() int64 {
	if w.cfg.Evidence == nil {
		return 0
	}
	return w.cfg.Evidence.MaxBytes()
}

// outcome is what a form's command did: where to go next, and the log
// position to wait for so the next page shows it.
type outcome struct {
	location string
	position eventstore.Position
}

// onceForms runs each form key once: a second sending of the same form
// (a double click, a resent POST) gets the first one's outcome, even while
// the first is still running. Failed runs are forgotten, so the form can be
// sent again. It remembers the last maxOnce keys.
type onceForms struct {
	mu    sync.Mutex
	runs  map[string]*formRun
	order []string
}

type formRun struct {
	done chan struct{}
	out  outcome
	err  error
}

const maxOnce = 10000

func (o *onceForms) do(key string, run func() (outcome, error)) (outcome, error) {
	o.mu.Lock()
	if o.runs == nil {
		o.runs = map[string]*formRun{}
	}
	if r, ok := o.runs[key]; ok {
		o.mu.Unlock()
		<-r.done
		return r.out, r.err
	}
	r := &formRun{done: make(chan struct{})}
	o.runs[key] = r
	o.order = append(o.order, key)
	if len(o.order) > maxOnce {
		delete(o.runs, o.order[0])
		o.order = o.order[1:]
	}
	o.mu.Unlock()
	r.out, r.err = run()
	close(r.done)
	if r.err != nil {
		o.mu.Lock()
		delete(o.runs, key)
		o.mu.Unlock()
	}
	return r.out, r.err
}

// finish runs a form's command once per key and answers: on success a
// redirect (303) to the page, once the board and lists show the change; on
// a stale revision the conflict view from conflict; on any other refusal
// an error page with the message; refusals (403) are problem+json like
// every refusal.
func (w *web) finish(f *form, run func(ctx context.Context) (app.Result, error), conflict func(ctx context.Context, err error) error) error {
	ctx := f.c.Request().Context()
	out, err := w.once.do(f.sender()+"/"+f.key, func() (outcome, error) {
		res, err := run(ctx)
		if err != nil {
			return outcome{}, err
		}
		return outcome{location: f.back, position: res.Position}, nil
	})
	if err == nil {
		if out.position > 0 && w.cfg.Boards != nil {
			_ = w.cfg.Boards.WaitFor(ctx, out.position) // at worst the next page is a moment behind
		}
		return f.c.Redirect(http.StatusSeeOther, out.location)
	}
	de := domain.AsError(err)
	switch {
	case de != nil && de.Code == domain.CodeConflict && conflict != nil:
		return conflict(ctx, err)
	case de != nil && de.Code != domain.CodeInternal && de.Code != domain.CodeForbidden:
		status := problemKinds[de.Code].status
		msg := pick(f.lang, de.VI, de.EN)
		if de.Field != "" {
			msg += " (" + de.Field + ")"
		}
		return w.render(f.c, status, "formerror.html", formErrorPage{pageBase: newPageBase(f.c, f.lang), Message: msg, Back: template.URL(f.back)})
	}
	return err
}

type formErrorPage struct {
	pageBase
	Message string
	Back    template.URL
}
