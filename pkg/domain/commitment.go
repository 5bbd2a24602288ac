package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// CommitmentStream returns the stream name of commitment id.
func CommitmentStream(id string) string { return "commitment-" + id }

// CommitmentStatus is where a commitment stands in its signing cycle.
type CommitmentStatus string

// Commitment statuses: a draft is edited and then signed; amending a signed
// commitment needs a reason and ends with a new signature.
const (
	CommitmentDraft    CommitmentStatus = "draft"
	CommitmentSignedSt CommitmentStatus = "signed"
	CommitmentAmending CommitmentStatus = "amending"
)

// CommitmentDrafted: a commitment of a unit for a period was opened.
type CommitmentDrafted struct {
	ID         string `json:"id"`
	Unit       string `json:"unit"`
	Period     Period `json:"period"`
	DocumentID string `json:"document_id,omitempty"`
	Title      string `json:"title"`
}

// IndicatorAdded: an indicator was added to a draft or amending commitment.
type IndicatorAdded struct {
	Indicator Indicator `json:"indicator"`
}

// IndicatorUpdated: an indicator's definition changed.
type IndicatorUpdated struct {
	Indicator Indicator `json:"indicator"`
}

// IndicatorRemoved: an indicator left the commitment.
type IndicatorRemoved struct {
	IndicatorID string `json:"indicator_id"`
}

// CommitmentSigned: the unit head signed version Version of the
// commitment, whose content hashes to ContentHash. Signature is the
// head's Ed25519 signature (base64) over CanonicalContent(state, Version,
// SignedBy), checked with the unit's key KeyID; both are empty in events
// recorded before camket required signatures.
type CommitmentSigned struct {
	Version     int    `json:"version"`
	SignedBy    string `json:"signed_by"`
	SignerName  string `json:"signer_name,omitempty"`
	SignedOn    Date   `json:"signed_on"`
	ContentHash string `json:"content_hash"`
	KeyID       string `json:"key_id,omitempty"`
	Signature   string `json:"signature,omitempty"`
}

// CommitmentAmendmentStarted: a signed commitment is open for changes, for
// Reason; it must be signed again.
type CommitmentAmendmentStarted struct {
	Reason string `json:"reason"`
}

// ValueReported: the unit reported an indicator's value as of EffectiveOn.
type ValueReported struct {
	IndicatorID string        `json:"indicator_id"`
	ReportID    string        `json:"report_id"`
	Value       float64       `json:"value"`
	EffectiveOn Date          `json:"effective_on"`
	Note        string        `json:"note,omitempty"`
	Evidence    []EvidenceRef `json:"evidence,omitempty"`
}

// ValueVerified: the office accepted a report, with the verified value.
type ValueVerified struct {
	IndicatorID string  `json:"indicator_id"`
	ReportID    string  `json:"report_id"`
	Value       float64 `json:"value"`
	Note        string  `json:"note,omitempty"`
}

// ValueRejected: the office rejected a report; it counts as not reported.
type ValueRejected struct {
	IndicatorID string `json:"indicator_id"`
	ReportID    string `json:"report_id"`
	Reason      string `json:"reason"`
}

func (CommitmentDrafted) EventType() string          { return "commitment.drafted" }
func (IndicatorAdded) EventType() string             { return "commitment.indicator_added" }
func (IndicatorUpdated) EventType() string           { return "commitment.indicator_updated" }
func (IndicatorRemoved) EventType() string           { return "commitment.indicator_removed" }
func (CommitmentSigned) EventType() string           { return "commitment.signed" }
func (CommitmentAmendmentStarted) EventType() string { return "commitment.amendment_started" }
func (ValueReported) EventType() string              { return "commitment.value_reported" }
func (ValueVerified) EventType() string              { return "commitment.value_verified" }
func (ValueRejected) EventType() string              { return "commitment.value_rejected" }

// Signature is one signing of a commitment.
type Signature struct {
	CommitmentSigned
	Actor Actor `json:"actor"`
}

// CommitmentState is a commitment as its events leave it.
type CommitmentState struct {
	ID         string           `json:"id"`
	Unit       string           `json:"unit"`
	Period     Period           `json:"period"`
	DocumentID string           `json:"document_id,omitempty"`
	Title      string           `json:"title"`
	Status     CommitmentStatus `json:"status"`
	Indicators []IndicatorState `json:"indicators"`
	Signatures []Signature      `json:"signatures,omitempty"`
	// Amendments lists the reasons given for each amendment, oldest first.
	Amendments []string `json:"amendments,omitempty"`
}

// Indicator returns the indicator with id and its index, or -1.
func (s CommitmentState) Indicator(id string) (IndicatorState, int) {
	for i, ind := range s.Indicators {
		if ind.ID == id {
			return ind, i
		}
	}
	return IndicatorState{}, -1
}

// Completion returns Σ weight of achieved indicators ÷ Σ weight of all
// indicators, as of a in mode; nil when there are no indicators (the unit
// has no commitment to measure, which is neither 0% nor 100%).
func (s CommitmentState) Completion(a AsOf, mode ValueMode) *Ratio {
	var achieved, total int64
	for _, ind := range s.Indicators {
		w := ind.WeightMilli()
		total += w
		if ind.Achieved(a, mode) {
			achieved += w
		}
	}
	if total == 0 {
		return nil
	}
	return &Ratio{achieved, total}
}

// ContentHash returns the SHA-256 (hex) of the commitment's canonical
// signed content: unit, period, document, title and indicator definitions
// in order. Reports are not part of it.
func (s CommitmentState) ContentHash() string {
	content := struct {
		Unit       string      `json:"unit"`
		Period     string      `json:"period"`
		DocumentID string      `json:"document_id"`
		Title      string      `json:"title"`
		Indicators []Indicator `json:"indicators"`
	}{s.Unit, s.Period.String(), s.DocumentID, s.Title, make([]Indicator, 0, len(s.Indicators))}
	for _, ind := range s.Indicators {
		content.Indicators = append(content.Indicators, ind.Indicator)
	}
	b, _ := json.Marshal(content) // cannot fail: plain strings and finite numbers
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Commitment is the commitment aggregate.
type Commitment struct {
	s CommitmentState
}

// Exists reports whether the commitment has been drafted.
func (c *Commitment) Exists() bool { return c.s.ID != "" }

// OwnerUnit returns the unit whose commitment this is.
func (c *Commitment) OwnerUnit() string { return c.s.Unit }

// Period returns the commitment's period.
func (c *Commitment) Period() Period { return c.s.Period }

// DocumentID returns the document the commitment answers, if any.
func (c *Commitment) DocumentID() string { return c.s.DocumentID }

// Signed reports whether the commitment has been signed at least once.
func (c *Commitment) Signed() bool { return len(c.s.Signatures) > 0 }

// Tally counts the indicators of area ("" for all), and those achieved as
// of a in mode, with their weights in thousandths, without copying the
// state: the board's hot path.
func (c *Commitment) Tally(a AsOf, mode ValueMode, area string) (indicators, achieved int, totalWeight, achievedWeight int64) {
	for _, ind := range c.s.Indicators {
		if area != "" && ind.Area != area {
			continue
		}
		w := ind.WeightMilli()
		indicators++
		totalWeight += w
		if ind.Achieved(a, mode) {
			achieved++
			achievedWeight += w
		}
	}
	return indicators, achieved, totalWeight, achievedWeight
}

// State returns a deep copy of the commitment's state.
func (c *Commitment) State() CommitmentState {
	s := c.s
	s.Indicators = make([]IndicatorState, len(c.s.Indicators))
	for i, ind := range c.s.Indicators {
		ind.Reports = append(make([]Report, 0, len(ind.Reports)), ind.Reports...)
		s.Indicators[i] = ind
	}
	s.Signatures = append([]Signature(nil), c.s.Signatures...)
	s.Amendments = append([]string(nil), c.s.Amendments...)
	return s
}

// RestoreCommitment returns the commitment a snapshot of its state
// describes.
func RestoreCommitment(s CommitmentState) *Commitment { return &Commitment{s: s} }

// Apply evolves the commitment by one event. It never fails.
func (c *Commitment) Apply(r Recorded) {
	switch e := r.Event.(type) {
	case CommitmentDrafted:
		c.s = CommitmentState{ID: e.ID, Unit: e.Unit, Period: e.Period, DocumentID: e.DocumentID, Title: e.Title, Status: CommitmentDraft}
	case IndicatorAdded:
		c.s.Indicators = append(c.s.Indicators, IndicatorState{Indicator: e.Indicator})
	case IndicatorUpdated:
		if _, i := c.s.Indicator(e.Indicator.ID); i >= 0 {
			c.s.Indicators[i].Indicator = e.Indicator
		}
	case IndicatorRemoved:
		if _, i := c.s.Indicator(e.IndicatorID); i >= 0 {
			c.s.Indicators = append(c.s.Indicators[:i:i], c.s.Indicators[i+1:]...)
		}
	case CommitmentSigned:
		c.s.Status = CommitmentSignedSt
		c.s.Signatures = append(c.s.Signatures, Signature{CommitmentSigned: e, Actor: r.Actor})
	case CommitmentAmendmentStarted:
		c.s.Status = CommitmentAmending
		c.s.Amendments = append(c.s.Amendments, e.Reason)
	case ValueReported:
		if _, i := c.s.Indicator(e.IndicatorID); i >= 0 {
			c.s.Indicators[i].Reports = append(c.s.Indicators[i].Reports, Report{
				ID: e.ReportID, Value: e.Value, EffectiveOn: e.EffectiveOn, Note: e.Note, Evidence: e.Evidence,
				ReportedBy: r.Actor, RecordedAt: r.RecordedAt})
		}
	case ValueVerified:
		c.setVerification(e.IndicatorID, e.ReportID, Verification{Accepted: true, Value: e.Value, Note: e.Note, By: r.Actor, RecordedAt: r.RecordedAt})
	case ValueRejected:
		c.setVerification(e.IndicatorID, e.ReportID, Verification{Accepted: false, Note: e.Reason, By: r.Actor, RecordedAt: r.RecordedAt})
	}
}

func (c *Commitment) setVerification(indicatorID, reportID string, v Verification) {
	_, i := c.s.Indicator(indicatorID)
	if i < 0 {
		return
	}
	reports := c.s.Indicators[i].Reports
	for j := range reports {
		if reports[j].ID == reportID {
			reports[j].Verification = &v
		}
	}
}

// DraftCommitment is the command to open a commitment. Unit must exist and
// DocumentID, when set, must be an issued document: the caller checks.
type DraftCommitment struct {
	Unit       string `json:"unit"`
	Period     string `json:"period"`
	DocumentID string `json:"document_id,omitempty"`
	Title      string `json:"title"`
}

// Draft decides opening a new commitment with id.
func (c *Commitment) Draft(id string, cmd DraftCommitment) ([]Event, error) {
	if c.Exists() {
		return nil, &Error{Code: CodeConflict, VI: "Cam kết đã tồn tại", EN: "commitment already exists"}
	}
	ev := CommitmentDrafted{ID: id, DocumentID: cmd.DocumentID}
	var err *Error
	if ev.Unit, err = NormalizeUnitCode("unit", cmd.Unit); err != nil {
		return nil, err
	}
	if ev.Period, err = ParsePeriod("period", cmd.Period); err != nil {
		return nil, err
	}
	if ev.Title, err = CleanText("title", cmd.Title, MaxNameLen, true); err != nil {
		return nil, err
	}
	return []Event{ev}, nil
}

func (c *Commitment) mustExist() error {
	if !c.Exists() {
		return NotFound("", "Không tìm thấy cam kết", "commitment not found")
	}
	return nil
}

func (c *Commitment) mustBeEditable() error {
	if err := c.mustExist(); err != nil {
		return err
	}
	if c.s.Status == CommitmentSignedSt {
		return StateError("Cam kết đã ký: cần mở điều chỉnh (kèm lý do) trước khi sửa chỉ tiêu",
			"the commitment is signed: start an amendment (with a reason) before changing indicators")
	}
	return nil
}

// AddIndicator decides adding an indicator with id.
func (c *Commitment) AddIndicator(id string, in IndicatorInput) ([]Event, error) {
	if err := c.mustBeEditable(); err != nil {
		return nil, err
	}
	if _, i := c.s.Indicator(id); i >= 0 {
		return nil, &Error{Code: CodeConflict, Field: "indicator_id", VI: "Chỉ tiêu này đã có", EN: "an indicator with this id already exists"}
	}
	if len(c.s.Indicators) >= MaxIndicate {
		return nil, Invalid("", "Cam kết có quá nhiều chỉ tiêu", "the commitment has too many indicators")
	}
	ind, err := in.Normalize(id)
	if err != nil {
		return nil, err
	}
	return []Event{IndicatorAdded{Indicator: ind}}, nil
}

// UpdateIndicator decides changing an indicator's definition. Its reports
// stay. An edit that changes nothing is a no-op.
func (c *Commitment) UpdateIndicator(id string, in IndicatorInput) ([]Event, error) {
	if err := c.mustBeEditable(); err != nil {
		return nil, err
	}
	cur, i := c.s.Indicator(id)
	if i < 0 {
		return nil, NotFound("indicator_id", "Không tìm thấy chỉ tiêu", "indicator not found")
	}
	ind, err := in.Normalize(id)
	if err != nil {
		return nil, err
	}
	if ind == cur.Indicator {
		return nil, nil
	}
	return []Event{IndicatorUpdated{Indicator: ind}}, nil
}

// RemoveIndicator decides removing an indicator.
func (c *Commitment) RemoveIndicator(id string) ([]Event, error) {
	if err := c.mustBeEditable(); err != nil {
		return nil, err
	}
	if _, i := c.s.Indicator(id); i < 0 {
		return nil, NotFound("indicator_id", "Không tìm thấy chỉ tiêu", "indicator not found")
	}
	return []Event{IndicatorRemoved{IndicatorID: id}}, nil
}

// SignCommitment is the command by which a unit head signs. ContentHash,
// when given, must equal the content the signer was shown, so nobody signs a
// version they did not see. Signature is the head's Ed25519 signature
// (base64) over CanonicalContent of the version being signed, made with the
// registered key KeyID.
type SignCommitment struct {
	SignerName  string `json:"signer_name,omitempty"`
	ContentHash string `json:"content_hash,omitempty"`
	KeyID       string `json:"key_id"`
	Signature   string `json:"signature"`
}

// Sign decides a signature by ctx.Actor over the current content. keys are
// the signing keys of the commitment's unit: the signature must verify
// with one of them registered to the signer and not revoked.
func (c *Commitment) Sign(ctx Context, cmd SignCommitment, keys []SigningKey) ([]Event, error) {
	if err := c.mustExist(); err != nil {
		return nil, err
	}
	if c.s.Status == CommitmentSignedSt {
		return nil, StateError("Cam kết đã được ký", "the commitment is already signed")
	}
	if len(c.s.Indicators) == 0 {
		return nil, StateError("Cam kết chưa có chỉ tiêu nào", "the commitment has no indicators to sign")
	}
	name, err := CleanText("signer_name", cmd.SignerName, MaxNameLen, false)
	if err != nil {
		return nil, err
	}
	hash := c.s.ContentHash()
	if cmd.ContentHash != "" && cmd.ContentHash != hash {
		return nil, &Error{Code: CodeConflict, Field: "content_hash",
			VI: "Nội dung cam kết đã thay đổi so với bản được xem", EN: "the commitment changed since the version shown"}
	}
	if ctx.Actor.Subject == "" {
		return nil, Forbidden("Thiếu người ký", "a signature needs a signer")
	}
	version := c.s.NextVersion()
	if err := CheckSignature(keys, ctx.Actor.Subject, cmd.KeyID, cmd.Signature, CanonicalContent(c.s, version, ctx.Actor.Subject)); err != nil {
		return nil, err
	}
	return []Event{CommitmentSigned{Version: version, SignedBy: ctx.Actor.Subject, SignerName: name,
		SignedOn: ctx.Today(), ContentHash: hash, KeyID: cmd.KeyID, Signature: cmd.Signature}}, nil
}

// Amend decides opening a signed commitment for changes; a reason is
// required and the commitment must be signed again afterwards.
func (c *Commitment) Amend(cmd ReasonCommand) ([]Event, error) {
	if err := c.mustExist(); err != nil {
		return nil, err
	}
	if c.s.Status != CommitmentSignedSt {
		return nil, StateError("Chỉ điều chỉnh được cam kết đã ký", "only a signed commitment can be amended")
	}
	reason, err := CleanText("reason", cmd.Reason, MaxNoteLen, true)
	if err != nil {
		return nil, err
	}
	return []Event{CommitmentAmendmentStarted{Reason: reason}}, nil
}

// ReportValue is the command to report an indicator's value.
type ReportValue struct {
	Value       *float64      `json:"value"`
	EffectiveOn string        `json:"effective_on"`
	Note        string        `json:"note,omitempty"`
	Evidence    []EvidenceRef `json:"evidence,omitempty"`
}

// ReportValue decides a report with reportID on indicator indicatorID. The
// commitment must have been signed at least once.
func (c *Commitment) ReportValue(ctx Context, indicatorID, reportID string, cmd ReportValue) ([]Event, error) {
	if err := c.mustExist(); err != nil {
		return nil, err
	}
	if len(c.s.Signatures) == 0 {
		return nil, StateError("Cam kết chưa được ký", "the commitment has not been signed yet")
	}
	ind, i := c.s.Indicator(indicatorID)
	if i < 0 {
		return nil, NotFound("indicator_id", "Không tìm thấy chỉ tiêu", "indicator not found")
	}
	for _, r := range ind.Reports {
		if r.ID == reportID {
			return nil, &Error{Code: CodeConflict, Field: "report_id", VI: "Báo cáo này đã được ghi nhận", EN: "a report with this id was already recorded"}
		}
	}
	v, err := ind.CheckValue("value", cmd.Value)
	if err != nil {
		return nil, err
	}
	on, err := EffectiveDate(ctx, "effective_on", cmd.EffectiveOn)
	if err != nil {
		return nil, err
	}
	note, ev, err := cleanNoteAndEvidence(cmd.Note, cmd.Evidence)
	if err != nil {
		return nil, err
	}
	return []Event{ValueReported{IndicatorID: indicatorID, ReportID: reportID, Value: v, EffectiveOn: on, Note: note, Evidence: ev}}, nil
}

func (c *Commitment) pendingReport(indicatorID, reportID string) (Indicator, Report, error) {
	if err := c.mustExist(); err != nil {
		return Indicator{}, Report{}, err
	}
	ind, i := c.s.Indicator(indicatorID)
	if i < 0 {
		return Indicator{}, Report{}, NotFound("indicator_id", "Không tìm thấy chỉ tiêu", "indicator not found")
	}
	for _, r := range ind.Reports {
		if r.ID == reportID {
			if r.Verification != nil {
				return Indicator{}, Report{}, StateError("Báo cáo này đã được thẩm định", "this report has already been verified or rejected")
			}
			return ind.Indicator, r, nil
		}
	}
	return Indicator{}, Report{}, NotFound("report_id", "Không tìm thấy báo cáo", "report not found")
}

// VerifyValue is the command by which the office accepts a report. Value,
// when given, is the verified figure; otherwise the reported one stands.
type VerifyValue struct {
	Value *float64 `json:"value,omitempty"`
	Note  string   `json:"note,omitempty"`
}

// Verify decides accepting a pending report.
func (c *Commitment) Verify(indicatorID, reportID string, cmd VerifyValue) ([]Event, error) {
	ind, rep, err := c.pendingReport(indicatorID, reportID)
	if err != nil {
		return nil, err
	}
	v := rep.Value
	if cmd.Value != nil {
		var verr *Error
		if v, verr = ind.CheckValue("value", cmd.Value); verr != nil {
			return nil, verr
		}
	}
	note, nerr := CleanText("note", cmd.Note, MaxNoteLen, false)
	if nerr != nil {
		return nil, nerr
	}
	return []Event{ValueVerified{IndicatorID: indicatorID, ReportID: reportID, Value: v, Note: note}}, nil
}

// Reject decides rejecting a pending report; a reason is required.
func (c *Commitment) Reject(indicatorID, reportID string, cmd ReasonCommand) ([]Event, error) {
	if _, _, err := c.pendingReport(indicatorID, reportID); err != nil {
		return nil, err
	}
	reason, err := CleanText("reason", cmd.Reason, MaxNoteLen, true)
	if err != nil {
		return nil, err
	}
	return []Event{ValueRejected{IndicatorID: indicatorID, ReportID: reportID, Reason: reason}}, nil
}

// HasPendingReport reports whether a report awaits the office's decision.
func (c *Commitment) HasPendingReport() bool {
	for _, ind := range c.s.Indicators {
		for _, r := range ind.Reports {
			if r.Verification == nil {
				return true
			}
		}
	}
	return false
}
