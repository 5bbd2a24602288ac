package domain

// DocumentKind is the kind of an official document (văn bản).
type DocumentKind string

// The document kinds camket knows, with the abbreviation used in numbers.
const (
	DocPlan       DocumentKind = "plan"       // Kế hoạch (KH)
	DocLetter     DocumentKind = "letter"     // Công văn (e.g. UBND-NC)
	DocDecision   DocumentKind = "decision"   // Quyết định (QĐ)
	DocDirective  DocumentKind = "directive"  // Chỉ thị (CT)
	DocResolution DocumentKind = "resolution" // Nghị quyết (NQ)
)

// DocumentKinds lists every DocumentKind.
var DocumentKinds = []DocumentKind{DocPlan, DocLetter, DocDecision, DocDirective, DocResolution}

// DocumentStream returns the stream name of document id.
func DocumentStream(id string) string { return "document-" + id }

// DocumentIssued: the province issued a document that assigns work.
type DocumentIssued struct {
	ID       string       `json:"id"`
	Number   string       `json:"number"`
	Kind     DocumentKind `json:"kind"`
	Title    string       `json:"title"`
	Issuer   string       `json:"issuer,omitempty"`
	Signer   string       `json:"signer,omitempty"`
	SignedOn Date         `json:"signed_on"`
	Period   Period       `json:"period"`
}

func (DocumentIssued) EventType() string { return "document.issued" }

// DocumentState is a document as its events leave it.
type DocumentState struct {
	ID       string       `json:"id"`
	Number   string       `json:"number"`
	Kind     DocumentKind `json:"kind"`
	Title    string       `json:"title"`
	Issuer   string       `json:"issuer,omitempty"`
	Signer   string       `json:"signer,omitempty"`
	SignedOn Date         `json:"signed_on"`
	Period   Period       `json:"period"`
}

// Document is the document aggregate. Its tasks are aggregates of their own
// (stream task-<id>) that name the document.
type Document struct {
	s DocumentState
}

// Exists reports whether the document has been issued.
func (d *Document) Exists() bool { return d.s.ID != "" }

// State returns a copy of the document's state.
func (d *Document) State() DocumentState { return d.s }

// RestoreDocument returns the document a snapshot of its state describes.
func RestoreDocument(s DocumentState) *Document { return &Document{s: s} }

// Apply evolves the document by one event. It never fails.
func (d *Document) Apply(r Recorded) {
	if e, ok := r.Event.(DocumentIssued); ok {
		d.s = DocumentState(e)
	}
}

// IssueDocument is the command to record a document. Issuer, when set, is
// a unit code the caller has checked exists.
type IssueDocument struct {
	Number   string `json:"number"`
	Kind     string `json:"kind"`
	Title    string `json:"title"`
	Issuer   string `json:"issuer,omitempty"`
	Signer   string `json:"signer,omitempty"`
	SignedOn string `json:"signed_on"`
	Period   string `json:"period,omitempty"`
}

// Issue decides the issue of a new document with the given id.
func (d *Document) Issue(id string, cmd IssueDocument) ([]Event, error) {
	if d.Exists() {
		return nil, &Error{Code: CodeConflict, VI: "Văn bản đã tồn tại", EN: "document already exists"}
	}
	ev := DocumentIssued{ID: id, Kind: DocumentKind(cmd.Kind)}
	var err *Error
	if ev.Number, err = CleanText("number", cmd.Number, MaxShortLen, true); err != nil {
		return nil, err
	}
	if !kindIn(ev.Kind, DocumentKinds) {
		return nil, Invalid("kind", "Loại văn bản không hợp lệ", "unknown document kind")
	}
	if ev.Title, err = CleanText("title", cmd.Title, MaxNameLen, true); err != nil {
		return nil, err
	}
	if cmd.Issuer != "" {
		if ev.Issuer, err = NormalizeUnitCode("issuer", cmd.Issuer); err != nil {
			return nil, err
		}
	}
	if ev.Signer, err = CleanText("signer", cmd.Signer, MaxNameLen, false); err != nil {
		return nil, err
	}
	if ev.SignedOn, err = ParseDate("signed_on", cmd.SignedOn); err != nil {
		return nil, err
	}
	if cmd.Period != "" {
		if ev.Period, err = ParsePeriod("period", cmd.Period); err != nil {
			return nil, err
		}
	}
	return []Event{ev}, nil
}

func kindIn[T comparable](k T, all []T) bool {
	for _, v := range all {
		if v == k {
			return true
		}
	}
	return false
}
