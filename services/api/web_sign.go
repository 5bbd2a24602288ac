package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// signPage shows exactly what a unit head signs: the commitment's unit,
// period, title and document, every indicator's definition, and the hash
// of that content, which the form sends back so that nothing else can be
// signed.
type signPage struct {
	pageBase
	ID, Unit, Period, Title, DocumentID, Status string
	ContentHash, Key                            string
	Revision                                    uint64
	Signable                                    bool
	Indicators                                  []signedIndicator
	Signatures                                  []string
	// Canonical is the exact text the signature covers (the signing
	// content of the API), and KeyID the signer's one active key, if any.
	Canonical, KeyID string
}

type signedIndicator struct {
	Name, Area, Measure, Target, Weight, Due string
}

// getSignPage answers GET /my/commitments/:id/sign (unit heads only).
func (w *web) getSignPage(c echo.Context) error {
	lang := langOf(c)
	id, err := idParam(c, "id")
	if err != nil {
		return w.renderError(c, http.StatusNotFound, pick(lang, "Không tìm thấy cam kết", "commitment not found"))
	}
	actor, err := actorOf(c)
	if err != nil {
		return err
	}
	content, st, v, err := w.svc.SigningContent(c.Request().Context(), id, actor.Subject)
	if err != nil {
		return w.renderError(c, http.StatusNotFound, pick(lang, "Không tìm thấy cam kết", "commitment not found"))
	}
	if !actor.ActsFor(st.Unit) {
		return domain.ErrOtherUnit()
	}
	page := signPage{pageBase: newPageBase(c, lang), ID: id, Unit: st.Unit, Period: st.Period.String(), Title: st.Title,
		DocumentID: st.DocumentID, Status: statusText(st.Status, lang), ContentHash: st.ContentHash(), Key: uuid.NewString(),
		Revision: v.Revision, Signable: st.Status != domain.CommitmentSignedSt && len(st.Indicators) > 0}
	page.CSRF = csrfValue(c)
	if page.CSRF == "" {
		page.CSRF = newCSRF(c)
	}
	page.Canonical = string(content)
	if unit, _, err := w.svc.Unit(c.Request().Context(), st.Unit); err == nil {
		var mine []string
		for _, k := range unit.SigningKeys {
			if k.Subject == actor.Subject && k.Active() {
				mine = append(mine, k.ID)
			}
		}
		if len(mine) == 1 {
			page.KeyID = mine[0]
		}
	}
	for _, ind := range st.Indicators {
		page.Indicators = append(page.Indicators, signedIndicator{Name: ind.Name, Area: ind.Area, Measure: measureText(ind.Measure, lang),
			Target: targetText(ind.Indicator, lang), Weight: strconv.FormatFloat(ind.Weight, 'f', -1, 64), Due: ind.DueOn.Display()})
	}
	for _, s := range st.Signatures {
		page.Signatures = append(page.Signatures, pick(lang, "Phiên bản ", "Version ")+strconv.Itoa(s.Version)+": "+s.SignedBy+" — "+s.SignedOn.Display())
	}
	return w.render(c, http.StatusOK, "sign.html", page)
}

// signCommand reads the signing form: the signer's name, the hash of the
// content shown, and the Ed25519 signature the head made over the signing
// content with their own key (camket sign --key FILE), which never leaves
// their machine.
func signCommand(f *form) domain.SignCommitment {
	return domain.SignCommitment{SignerName: f.text("signer_name"), ContentHash: f.text("content_hash"),
		KeyID: f.text("key_id"), Signature: f.text("signature")}
}

// postSign answers POST /my/commitments/:id/sign.
func (w *web) postSign(c echo.Context) error {
	f, err := w.openForm(c, "/my")
	if err != nil {
		return formRefused(err)
	}
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	return w.finish(f, func(ctx context.Context) (app.Result, error) {
		return w.svc.SignCommitment(ctx, f.call, id, signCommand(f))
	}, w.commitmentConflict(f, id, "", nil))
}

func measureText(m domain.Measure, lang string) string {
	switch m {
	case domain.MeasurePercent:
		return pick(lang, "Tỷ lệ %", "Percent")
	case domain.MeasureCount:
		return pick(lang, "Số lượng", "Count")
	case domain.MeasureBoolean:
		return pick(lang, "Có/không", "Yes/no")
	case domain.MeasureScore:
		return pick(lang, "Điểm", "Score")
	}
	return string(m)
}
