package demo

import (
	"context"
	"fmt"

	"github.com/camket/camket/pkg/app"
	"github.com/camket/camket/pkg/domain"
)

// commitmentKey is the key of unit's commitment of the demo round.
func commitmentKey(unit string) string { return "demo:commitment:" + roundPeriod + ":" + unit }

// indicatorKey is the key of indicator key of unit's commitment.
func indicatorKey(unit, key string) string {
	return "demo:indicator:" + roundPeriod + ":" + unit + ":" + key
}

// reportKey is the key of report n ("first" or "final") on an indicator.
func reportKey(unit, key, n string) string {
	return "demo:report:" + roundPeriod + ":" + unit + ":" + key + ":" + n
}

func commitmentID(unit string) string     { return app.KeyID(commitmentKey(unit)) }
func indicatorID(unit, key string) string { return app.KeyID(indicatorKey(unit, key)) }
func reportID(unit, key, n string) string { return app.KeyID(reportKey(unit, key, n)) }

// commitment drafts c's commitment (the office), adds its indicators (the
// office), has the unit head sign it and plays its reports: the unit's
// reporter reports, the office verifies or rejects. Steps the commitment
// already shows are skipped.
func (l *loader) commitment(ctx context.Context, c commitmentSpec) error {
	period := domain.MustParsePeriod(roundPeriod)
	if period.Start().After(l.today) {
		return nil
	}
	id := commitmentID(c.unit)
	cmd := domain.DraftCommitment{Unit: c.unit, Period: roundPeriod,
		Title: "Cam kết thực hiện nhiệm vụ cải cách hành chính quý II/2021"}
	created, err := l.create("drafting the commitment of "+c.unit, func() (app.Result, error) {
		return l.svc.DraftCommitment(ctx, creating(office, commitmentKey(c.unit)), cmd)
	})
	if err != nil {
		return err
	}
	if created {
		l.stats.Commitments++
	}
	st, _, err := l.svc.Commitment(ctx, id)
	if err != nil {
		return fmt.Errorf("demo: reading the commitment of %s: %w", c.unit, err)
	}
	for _, ind := range c.indicators {
		if err := l.addIndicator(ctx, st, c.unit, ind); err != nil {
			return err
		}
	}
	if len(st.Signatures) == 0 {
		if err := l.signingKey(ctx, c.unit); err != nil {
			return err
		}
		sign := domain.SignCommitment{SignerName: headOf(c.unit)}
		if err := l.update("signing the commitment of "+c.unit, func() (app.Result, error) {
			return l.svc.SignCommitmentWithKey(ctx, changing(head(c.unit), ""), id, sign, headKey(c.unit))
		}); err != nil {
			return err
		}
	}
	for _, ind := range c.indicators {
		if err := l.reports(ctx, st, c.unit, ind); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) addIndicator(ctx context.Context, st domain.CommitmentState, unit string, ind indicatorSpec) error {
	if _, i := st.Indicator(indicatorID(unit, ind.key)); i >= 0 {
		return nil
	}
	if err := l.update("adding indicator "+ind.key+" to the commitment of "+unit, func() (app.Result, error) {
		return l.svc.AddIndicator(ctx, changing(office, indicatorKey(unit, ind.key)),
			commitmentID(unit), ind.input())
	}); err != nil {
		return err
	}
	l.stats.Indicators++
	return nil
}

// reports plays ind's reports: the first one, if any, then the final one,
// each followed by the office's decision.
func (l *loader) reports(ctx context.Context, st domain.CommitmentState, unit string, ind indicatorSpec) error {
	cur, _ := st.Indicator(indicatorID(unit, ind.key))
	if f := ind.first; f != nil {
		decide := verifyAsReported
		if f.reason != "" {
			decide = rejectBecause(f.reason)
		}
		if err := l.report(ctx, cur, unit, ind.key, "first", f.value, f.on, decide); err != nil {
			return err
		}
	}
	decide := verifyAsReported
	if ind.verified != nil {
		decide = verifyAs(*ind.verified, ind.verifyNote)
	}
	return l.report(ctx, cur, unit, ind.key, "final", ind.reported, ind.effectiveOn(), decide)
}

// decision is the office's answer to a report.
type decision struct {
	reject bool
	reason string   // of a rejection
	value  *float64 // verified instead of the reported one
	note   string
}

var verifyAsReported = decision{}

func verifyAs(v float64, note string) decision { return decision{value: &v, note: note} }

func rejectBecause(reason string) decision { return decision{reject: true, reason: reason} }

// report makes report n on indicator key of unit's commitment, unless cur
// (the indicator as it stood before this Load) has it, and then the
// office's decision on it, unless it is decided.
func (l *loader) report(ctx context.Context, cur domain.IndicatorState, unit, key, n string,
	value float64, on string, d decision) error {
	if !l.reached(on) {
		return nil
	}
	id, indID, repID := commitmentID(unit), indicatorID(unit, key), reportID(unit, key, n)
	what := fmt.Sprintf("the %s report on %s of %s", n, key, unit)
	var existing *domain.Report
	for i := range cur.Reports {
		if cur.Reports[i].ID == repID {
			existing = &cur.Reports[i]
		}
	}
	if existing == nil {
		cmd := domain.ReportValue{Value: ptr(value), EffectiveOn: on}
		if err := l.update("making "+what, func() (app.Result, error) {
			return l.svc.ReportValue(ctx, changing(reporter(unit), reportKey(unit, key, n)), id, indID, cmd)
		}); err != nil {
			return err
		}
		l.stats.Reports++
	} else if existing.Verification != nil {
		return nil
	}
	if d.reject {
		return l.update("rejecting "+what, func() (app.Result, error) {
			return l.svc.RejectValue(ctx, changing(office, ""), id, indID, repID, domain.ReasonCommand{Reason: d.reason})
		})
	}
	return l.update("verifying "+what, func() (app.Result, error) {
		return l.svc.VerifyValue(ctx, changing(office, ""), id, indID, repID, domain.VerifyValue{Value: d.value, Note: d.note})
	})
}
