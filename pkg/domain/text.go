package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Text length limits, in characters (runes).
const (
	MaxNameLen  = 300  // names, titles, numbers
	MaxNoteLen  = 4000 // notes, reasons
	MaxShortLen = 100  // codes, subjects
)

// CleanText normalises s to NFC, trims surrounding space and checks it: valid
// UTF-8, no control characters other than newline and tab, at most max runes,
// non-empty when required. The error names field.
func CleanText(field, s string, max int, required bool) (string, *Error) {
	if !utf8.ValidString(s) {
		return "", Invalid(field, "Văn bản không phải UTF-8 hợp lệ", "text is not valid UTF-8")
	}
	s = strings.TrimSpace(norm.NFC.String(s))
	if s == "" {
		if required {
			return "", Invalid(field, "Trường này là bắt buộc", "this field is required")
		}
		return "", nil
	}
	if utf8.RuneCountInString(s) > max {
		return "", Invalid(field,
			"Văn bản dài quá giới hạn cho phép",
			"text is longer than allowed")
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && (unicode.IsControl(r) || r == utf8.RuneError) {
			return "", Invalid(field, "Văn bản chứa ký tự điều khiển", "text contains a control character")
		}
	}
	return s, nil
}

// FoldForSearch returns s lower-cased with Vietnamese diacritics removed, so
// that "so noi vu" matches "Sở Nội vụ". The letter đ folds to d.
func FoldForSearch(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = strings.Map(func(r rune) rune {
		switch r {
		case 'đ', 'Đ':
			return 'd'
		}
		return unicode.ToLower(r)
	}, out)
	return strings.Join(strings.Fields(out), " ")
}

// NewVietnameseCollator returns a collator ordering strings as Vietnamese
// readers expect (a < ă < â < b ..., tone marks after the base letter).
// A collator is not safe for concurrent use: make one per sort.
func NewVietnameseCollator() *collate.Collator {
	return collate.New(language.Vietnamese)
}
