package sheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func read(t *testing.T, name string, data []byte) (*Sheet, error) {
	t.Helper()
	return Read(name, bytes.NewReader(data))
}

// problems is the text of a refusal, or fails the test when the file was taken.
func problems(t *testing.T, s *Sheet, err error) string {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want a refusal, got sheet %+v, err %v", s, err)
	}
	return e.Error()
}

func TestReadCSV(t *testing.T) {
	data := []byte("\ufeffOrganisation, Role ,Phone\r\nLink Group,Duty line,0141 496 0000\r\n,,\r\nGalop,=cmd|' /C calc'!A0,+44 141 496 0001\n\"Clyde, Valley\",\"Two\nlines\"\n")
	s, err := read(t, "contacts.CSV", data)
	if err != nil {
		t.Fatal(err)
	}
	if s.Format != "CSV" || strings.Join(s.Header, "|") != "Organisation|Role|Phone" {
		t.Errorf("header %q format %s", s.Header, s.Format)
	}
	if len(s.Rows) != 3 || s.Rows[0].Line != 2 || s.Rows[1].Line != 4 || s.Rows[2].Line != 5 {
		t.Fatalf("rows %+v", s.Rows)
	}
	// Formula-looking cells are text, exactly as written; short rows are padded.
	if s.Rows[1].Cells[1] != "=cmd|' /C calc'!A0" || s.Rows[1].Cells[2] != "+44 141 496 0001" {
		t.Errorf("row 4 %q", s.Rows[1].Cells)
	}
	if len(s.Rows[2].Cells) != 3 || s.Rows[2].Cells[1] != "Two\nlines" {
		t.Errorf("row 5 %q", s.Rows[2].Cells)
	}
}

func TestReadRefusesWhatIsNotASheet(t *testing.T) {
	bigCell := "Organisation,Notes\nLink Group," + strings.Repeat("x", 10<<20) + "\n"
	for _, c := range []struct {
		what, name string
		data       []byte
		want       string
	}{
		{"empty", "a.csv", nil, "empty"},
		{"a PDF", "a.pdf", []byte("%PDF-1.4"), "Choose a CSV file"},
		{"path traversal name", "../../etc/passwd", []byte("root:x:0:0"), "Choose a CSV file"},
		{"old Excel", "a.xls", []byte("\xd0\xcf\x11\xe0rest"), "old Excel"},
		{"text named .xlsx", "a.xlsx", []byte("Organisation,Role\nA,B\n"), "not a XLSX file"},
		{"zip named .csv", "a.csv", []byte("PK\x03\x04rest"), "not a CSV file"},
		{"invalid UTF-8", "a.csv", []byte("Organisation,Role\n\xff\xfe,B\n"), "not UTF-8"},
		{"NUL", "a.csv", []byte("Organisation,Role\na\x00,B\n"), "characters that a CSV file does not"},
		{"one column", "a.csv", []byte("#!/bin/sh\nrm -rf /\n"), "at least an organisation and a role"},
		{"header only", "a.csv", []byte("Organisation,Role\n"), "no rows under"},
		{"broken quotes", "a.csv", []byte("Organisation,Role\n\"A,B\n"), "could not be read as CSV"},
		{"too many columns", "a.csv", []byte(strings.Repeat("c,", 60) + "\n" + strings.Repeat("x,", 60) + "\n"), "more than 50 columns"},
		{"too many rows", "a.csv", []byte("Organisation,Role\n" + strings.Repeat("A,B\n", MaxRows+1)), "more than 5000 rows"},
		{"10 MB cell", "a.csv", []byte(bigCell), "Row 2, column B (Notes): the cell holds 10,485,760 characters"},
		{"file over 20 MB", "a.csv", []byte("Organisation,Notes\n" + strings.Repeat("A,B\n", 6<<20)), "larger than 20 MB"},
	} {
		t.Run(c.what, func(t *testing.T) {
			s, err := read(t, c.name, c.data)
			if msg := problems(t, s, err); !strings.Contains(msg, c.want) {
				t.Errorf("refusal %q does not say %q", msg, c.want)
			}
		})
	}
}

// workbook is an XLSX of rows, made with excelize; edit may change it before it is saved.
func workbook(t *testing.T, rows [][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	data := workbook(t, [][]any{{"Organisation", "Role", "Phone"}, {"Link Group", "Duty line", "0141 496 0000"},
		{}, {"Galop", "@SUM(1+1)", "=not a formula"}}, nil)
	s, err := read(t, "contacts.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	if s.Format != "XLSX" || len(s.Rows) != 2 || s.Rows[1].Line != 4 || s.Rows[1].Cells[1] != "@SUM(1+1)" || s.Rows[1].Cells[2] != "=not a formula" {
		t.Errorf("sheet %+v", s)
	}
}

func TestReadXLSXRefusesFormulas(t *testing.T) {
	data := workbook(t, [][]any{{"Organisation", "Role"}, {"Link Group", "Duty line"}}, func(f *excelize.File) {
		if err := f.SetCellFormula("Sheet1", "B2", `cmd|' /C calc'!A0`); err != nil {
			t.Fatal(err)
		}
		f.SetCellValue("Sheet1", "A3", "Galop")
		f.SetCellFormula("Sheet1", "B3", `HYPERLINK("https://evil.example","Duty line")`)
	})
	s, err := read(t, "contacts.xlsx", data)
	msg := problems(t, s, err)
	if !strings.Contains(msg, "Row 2, column B (Role): the cell holds a formula") || !strings.Contains(msg, "Row 3, column B (Role)") {
		t.Errorf("refusal %q", msg)
	}
}

func TestReadXLSXRefusesABigCell(t *testing.T) {
	// Excel and excelize stop a cell at 32,767 characters; a hand-made file need not.
	data := swell(t, workbook(t, [][]any{{"Organisation", "Notes"}, {"Link Group", "PLACEHOLDER"}}, nil), "PLACEHOLDER", strings.Repeat("y", 10<<20))
	s, err := read(t, "contacts.xlsx", data)
	if msg := problems(t, s, err); !strings.Contains(msg, "Row 2, column B (Notes): the cell holds 10,485,760 characters") {
		t.Errorf("refusal %q", msg)
	}
}

// swell rewrites the workbook with old replaced by new in every part.
func swell(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var part bytes.Buffer
		part.ReadFrom(rc)
		rc.Close()
		found = found || strings.Contains(part.String(), old)
		w, _ := zw.Create(f.Name)
		w.Write([]byte(strings.ReplaceAll(part.String(), old, new)))
	}
	if err := zw.Close(); err != nil || !found {
		t.Fatalf("swell: %v, found %v", err, found)
	}
	return buf.Bytes()
}

// zipBomb is a zip of a few hundred kilobytes that unpacks to a gigabyte sheet.
func zipBomb(t *testing.T, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, flate.BestSpeed) })
	w, err := zw.Create("[Content_Types].xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`))
	w, err = zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 1<<20)
	for range size >> 20 {
		w.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSXRefusesAZipBomb(t *testing.T) {
	data := zipBomb(t, 1<<30)
	t.Logf("a zip of %d bytes that unpacks to 1 GB", len(data))
	if len(data) > MaxFileSize {
		t.Fatalf("the bomb is %d bytes: it should pass the upload limit", len(data))
	}
	s, err := read(t, "contacts.xlsx", data)
	if msg := problems(t, s, err); !strings.Contains(msg, "unpacks to more than 40 MB") {
		t.Errorf("refusal %q", msg)
	}
}

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"=cmd|' /C calc'!A0": "'=cmd|' /C calc'!A0", "+44 141": "'+44 141", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "": "", "Duty line": "Duty line", "0141 496 0000": "0141 496 0000", " =x": " =x",
	} {
		if got := Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
	var buf bytes.Buffer
	w, _ := NewWriter(&buf)
	w.Write("=HYPERLINK(\"http://evil\")", "plain, with comma")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "\ufeff\"'=HYPERLINK(\"\"http://evil\"\")\",\"plain, with comma\"\r\n" {
		t.Errorf("CSV %q", got)
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA"} {
		if got := ColumnLetter(i); got != want {
			t.Errorf("ColumnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}

// BenchmarkReadXLSX reads a workbook of the largest sheet taken: 5,000 rows of 8 columns.
func BenchmarkReadXLSX(b *testing.B) {
	f := excelize.NewFile()
	sw, _ := f.NewStreamWriter("Sheet1")
	sw.SetRow("A1", []any{"Organisation", "Contact name", "Role", "Phone", "Email", "Area", "Visibility", "Notes"})
	for i := 2; i <= MaxRows+1; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		sw.SetRow(cell, []any{"Link Group", "Sasha Example", "Duty line " + strings.Repeat("x", i%7), "0141 496 0313",
			"someone@example.org", "Motherwell", "staff", "Monday to Friday, 9am to 5pm"})
	}
	sw.Flush()
	var buf bytes.Buffer
	f.Write(&buf)
	data := buf.Bytes()
	b.ReportMetric(float64(len(data)), "file-bytes")
	for b.Loop() {
		if _, err := Read("big.xlsx", bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
