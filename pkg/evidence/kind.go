package evidence

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"
)

// Content types evidence may have, as Sniff names them.
const (
	TypePDF  = "application/pdf"
	TypePNG  = "image/png"
	TypeJPEG = "image/jpeg"
	TypeGIF  = "image/gif"
	TypeWebP = "image/webp"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	TypeODF  = "application/vnd.oasis.opendocument"
	// TypeLegacyOffice is a .doc, .xls or .ppt file (an OLE2 compound file).
	TypeLegacyOffice = "application/vnd.ms-office"
)

// oleMagic opens every OLE2 compound file (Office 97–2003 documents).
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// Sniff returns the content type of data judged from its bytes alone
// (http.DetectContentType, then a look inside ZIP and OLE2 containers for
// office documents), and whether evidence may have that type. The name or
// type a client claims is never consulted.
func Sniff(data []byte) (string, bool) {
	if bytes.HasPrefix(data, oleMagic) {
		return TypeLegacyOffice, true
	}
	ctype, _, _ := strings.Cut(http.DetectContentType(data), ";")
	switch ctype {
	case TypePDF, TypePNG, TypeJPEG, TypeGIF, TypeWebP:
		return ctype, true
	case "application/zip":
		if office := officeZip(data); office != "" {
			return office, true
		}
	}
	return ctype, false
}

// officeZip returns the office type of a ZIP container, or "" when it is
// some other archive.
func officeZip(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return ""
	}
	ooxml, kind := false, ""
	for _, f := range zr.File {
		switch {
		case f.Name == "[Content_Types].xml":
			ooxml = true
		case f.Name == "mimetype":
			return TypeODF
		case strings.HasPrefix(f.Name, "word/"):
			kind = TypeDOCX
		case strings.HasPrefix(f.Name, "xl/"):
			kind = TypeXLSX
		case strings.HasPrefix(f.Name, "ppt/"):
			kind = TypePPTX
		}
	}
	if ooxml {
		return kind
	}
	return ""
}
