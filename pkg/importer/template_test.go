package importer

import (
	"bytes"
	"testing"
)

func TestTemplatesParseWithoutProblems(t *testing.T) {
	for _, format := range []Format{FormatXLSX, FormatYAML} {
		t.Run(string(format), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Template(&buf, format); err != nil {
				t.Fatal(err)
			}
			b, probs, err := ParseBytes("template."+string(format), buf.Bytes())
			if err != nil || len(probs) > 0 || b.Rows() != 0 {
				t.Fatalf("template reads back with err %v, %d rows, problems:\n%s", err, b.Rows(), list2(probs))
			}
		})
	}
	if err := Template(&bytes.Buffer{}, FormatCSV); err == nil {
		t.Error("a CSV template should be refused: CSV is one file per sheet")
	}
}
