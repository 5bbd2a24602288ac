package importer

import (
	"strings"
	"testing"

	"github.com/camket/camket/pkg/domain"
)

// FuzzParseCSV feeds the CSV parser arbitrary bytes: it must not panic, and
// every problem it reports must say what is wrong in both languages.
func FuzzParseCSV(f *testing.F) {
	f.Add("units.csv", "\ufeffMã đơn vị,Tên đơn vị,Loại đơn vị\nSNV,Sở Nội vụ,department\n")
	f.Add("x.csv", "#sheet: tasks\nkey,document,title,lead,deadline\nt1,KH,\"Nhiệm vụ, một\",SNV,31/12/2023\n")
	f.Add("reports.csv", "key;commitment;indicator;value;effective_on\nr1;C;I;\"80\n")
	f.Add("chi-tieu.csv", "")
	f.Fuzz(func(t *testing.T, name, data string) {
		b, probs := ParseCSV(name, strings.NewReader(data))
		if b == nil {
			t.Fatal("nil batch")
		}
		for _, p := range probs {
			if p.Detail == nil || strings.TrimSpace(p.Detail.VI) == "" || strings.TrimSpace(p.Detail.EN) == "" {
				t.Fatalf("problem without both messages: %+v", p)
			}
			if strings.Contains(p.String(), "\n") {
				t.Fatalf("problem is not one line: %q", p.String())
			}
		}
		// Decoding the rows must not panic either (no store needed).
		for _, recs := range b.records {
			for _, r := range recs {
				switch r.Sheet.Name {
				case SheetUnits:
					decodeUnit(r)
				case SheetDocuments:
					decodeDocument(r)
				case SheetTasks:
					decodeTask(r)
				case SheetCommitments:
					decodeCommitment(r)
				case SheetIndicators:
					decodeIndicator(r)
				case SheetReports:
					decodeReport(r, domain.DateOf(now))
				}
			}
		}
	})
}
