package domain

import (
	"testing"
	"unicode/utf8"
)

// FuzzParseDate: no input panics; an accepted date is a real calendar day
// within the allowed years whose display and ISO forms parse back to it.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"30/6/2021", "2021-06-30", "31/02/2021", "30/6/20210", "2021-06-30T20:00:00Z", "1.1.1945", "", "//", "-1/-1/-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate("d", s)
		if err != nil {
			if err.Field != "d" || err.VI == "" || err.EN == "" {
				t.Fatalf("error without field or messages: %+v", err)
			}
			return
		}
		if d.Year < MinYear || d.Year > MaxYear {
			t.Fatalf("%q accepted with year %d", s, d.Year)
		}
		for _, form := range []string{d.Display(), d.String()} {
			back, err := ParseDate("d", form)
			if err != nil || back != d {
				t.Fatalf("%q → %v; its form %q parses to %v, %v", s, d, form, back, err)
			}
		}
	})
}

// FuzzParsePeriod: no input panics; an accepted period starts on or before
// its end and its key parses back to the same span.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2021-Q2", "2022", "2021-06", "2022-2025", "2021-Q5", "q", "9999-9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod("period", s)
		if err != nil {
			return
		}
		if p.End().Before(p.Start()) {
			t.Fatalf("%q: end %v before start %v", s, p.End(), p.Start())
		}
		back, err := ParsePeriod("period", p.String())
		if err != nil || back != p {
			t.Fatalf("%q: key %q parses to %v, %v", s, p.String(), back, err)
		}
	})
}

// FuzzCleanText: accepted text is valid UTF-8, NFC, trimmed and within the
// limit.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"Sở Nội vụ", "So\u031b\u0309 Nô\u0323i vu\u0323", " a\tb ", "\x00", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := CleanText("x", s, 50, false)
		if err != nil {
			return
		}
		if !utf8.ValidString(out) || utf8.RuneCountInString(out) > 50 {
			t.Fatalf("%q → %q", s, out)
		}
		again, err := CleanText("x", out, 50, false)
		if err != nil || again != out {
			t.Fatalf("cleaning is not idempotent: %q → %q → %q (%v)", s, out, again, err)
		}
	})
}
