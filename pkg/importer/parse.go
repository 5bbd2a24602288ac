package importer

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// FormatOf returns the format a file name's extension says, or "".
func FormatOf(name string) Format {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return FormatXLSX
	case ".csv", ".txt":
		return FormatCSV
	case ".yaml", ".yml":
		return FormatYAML
	}
	return ""
}

// Parse reads one file in the format its name says. Problems are about the
// content; the error is for a name with no known format or a file that
// cannot be read as its format at all.
func Parse(name string, r io.Reader) (*Batch, []Problem, error) {
	switch FormatOf(name) {
	case FormatXLSX:
		return ParseXLSX(name, r)
	case FormatCSV:
		b, probs := ParseCSV(name, r)
		return b, probs, nil
	case FormatYAML:
		b, probs := ParseYAML(name, r)
		return b, probs, nil
	}
	return nil, nil, fmt.Errorf("importer: %s: unknown format: use .xlsx, .csv or .yaml", name)
}

// ParseBytes is Parse over data in memory.
func ParseBytes(name string, data []byte) (*Batch, []Problem, error) {
	return Parse(name, bytes.NewReader(data))
}
