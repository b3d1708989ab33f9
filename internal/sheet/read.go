// Package sheet reads the spreadsheets people upload (CSV or XLSX with a header row) within
// firm limits, and writes CSV that spreadsheet programs open safely. It knows nothing of
// what the columns mean: the feature that imports decides that.
package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// The limits of a sheet. A council's contact list is a few hundred rows of short cells; these
// leave room for many times that and stop a file built to exhaust the server.
const (
	MaxFileSize = 20 << 20 // bytes of the upload
	MaxRows     = 5000     // rows under the header
	MaxColumns  = 50
	MaxCell     = 2000 // characters in one cell
	// MaxUnzipped bounds what an XLSX (a zip) may unpack to in all, and MaxUnzippedXML each
	// worksheet or string table held in memory: a zip bomb stops at the first.
	MaxUnzipped    = 40 << 20
	MaxUnzippedXML = 20 << 20
	// maxErrors is how many cell problems one reading lists before it stops looking.
	maxErrors = 20
)

// Sheet is a spreadsheet's header row and the rows under it, every cell as text. Rows keep
// their number in the file (the header is row 1), so errors can name them as a spreadsheet
// program shows them. Blank rows are left out.
type Sheet struct {
	Format string // "CSV" or "XLSX"
	Header []string
	Rows   []Row
}

// Row is one row under the header: its number in the file and its cells, as many as the
// header has (missing cells are "").
type Row struct {
	Line  int      `json:"line"`
	Cells []string `json:"cells"`
}

// Problem is one reason a file cannot be read as a sheet: about the whole file (Line 0) or
// one cell.
type Problem struct {
	Line    int
	Column  int // from 0; -1 when about the file or a whole row
	Message string
}

// Error is every problem found reading a file; nothing of the file is kept.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Message
	}
	return "sheet: " + strings.Join(msgs, "; ")
}

func fileError(format string, args ...any) error {
	return &Error{Problems: []Problem{{Column: -1, Message: fmt.Sprintf(format, args...)}}}
}

// ColumnLetter is the spreadsheet's name of column i (from 0): A, B, ... Z, AA.
func ColumnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// Read reads the upload named name (its name must end .csv or .xlsx, and its content must be
// what the name says). Anything it cannot take is an *Error saying why, by row and column
// where a cell is the reason. Cells are text: a cell starting with = + - or @ is read as the
// characters it holds and never worked out as a formula, and an XLSX cell that holds a formula
// is refused, since what it shows was worked out by whoever last saved it.
func Read(name string, r io.Reader) (*Sheet, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fileError("The file is larger than %d MB. Split it into smaller sheets.", MaxFileSize>>20)
	}
	if len(data) == 0 {
		return nil, fileError("The file is empty. Choose the sheet of contacts.")
	}
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(name, `\`, "/")))
	zipped := bytes.HasPrefix(data, []byte("PK\x03\x04"))
	switch {
	case ext == ".xls" || bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		return nil, fileError("The file is an old Excel workbook (.xls) or is protected by a password. Save it as an Excel workbook (.xlsx) or CSV, without a password, and try again.")
	case ext == ".xlsx" && zipped:
		return readXLSX(data)
	case ext == ".csv" && !zipped:
		return readCSV(data)
	case ext == ".xlsx" || ext == ".csv":
		return nil, fileError("The file's name ends %s but it is not a %s file. Save the sheet again as CSV or Excel workbook (.xlsx).", ext, strings.ToUpper(ext[1:]))
	default:
		return nil, fileError("Choose a CSV file (.csv) or an Excel workbook (.xlsx).")
	}
}

func readCSV(data []byte) (*Sheet, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // the byte order mark Excel writes
	if !utf8.Valid(data) {
		return nil, fileError("The file is not UTF-8 text. In your spreadsheet program, save it as \u201cCSV UTF-8\u201d and try again.")
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fileError("The file holds characters that a CSV file does not (it may not be a CSV file). Save the sheet again as CSV.")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	var records [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			return nil, fileError("Row %d of the file could not be read as CSV (%v). Check its quotation marks.", len(records)+1, perr.Err)
		}
		if err != nil {
			return nil, err
		}
		records = append(records, rec)
		if len(records) > MaxRows+1 {
			return nil, fileError("The sheet has more than %d rows. Split it into smaller sheets.", MaxRows)
		}
	}
	return build("CSV", records, nil)
}

func readXLSX(data []byte) (*Sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxUnzippedXML})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") {
			return nil, fileError("The workbook unpacks to more than %d MB, far more than a sheet of contacts. Save just the sheet of contacts as CSV or a new workbook.", MaxUnzipped>>20)
		}
		return nil, fileError("The workbook could not be opened: it may be damaged or protected by a password. Save it again as an Excel workbook (.xlsx) or CSV.")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileError("The workbook has no sheets.")
	}
	first := sheets[0]
	records, err := f.GetRows(first)
	if err != nil {
		return nil, fileError("The first sheet of the workbook could not be read: it may be damaged. Save it again and try again.")
	}
	if len(records) > MaxRows+1 {
		return nil, fileError("The sheet has more than %d rows. Split it into smaller sheets.", MaxRows)
	}
	var formula func(line, col int) bool // nil: no cell holds one, so none is looked up
	if hasFormulas(data) {
		formula = func(line, col int) bool {
			cell, err := excelize.CoordinatesToCellName(col+1, line)
			if err != nil {
				return false
			}
			fx, err := f.GetCellFormula(first, cell)
			return err == nil && fx != ""
		}
	}
	return build("XLSX", records, formula)
}

// formulaTag is a formula element of a worksheet's XML, <f> or <x:f ...>.
var formulaTag = regexp.MustCompile(`<(?:[A-Za-z_][\w.-]*:)?f[\s>/]`)

// hasFormulas reports whether any worksheet of the workbook (a zip excelize has already
// opened within the size limits) may hold a formula. Looking each cell up costs far more
// than reading the sheets' XML once, and most sheets have none.
func hasFormulas(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return true
	}
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, `\`, "/"))
		if !strings.HasPrefix(name, "xl/worksheets/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return true
		}
		xml, err := io.ReadAll(io.LimitReader(rc, MaxUnzipped))
		rc.Close()
		if err != nil || formulaTag.Match(xml) {
			return true
		}
	}
	return false
}

// build checks the records' limits and makes the sheet: the first row is the header. formula
// (nil for CSV) says whether a cell holds a formula.
func build(format string, records [][]string, formula func(line, col int) bool) (*Sheet, error) {
	if len(records) == 0 {
		return nil, fileError("The file is empty. Choose the sheet of contacts.")
	}
	var problems []Problem
	add := func(p Problem) bool {
		problems = append(problems, p)
		return len(problems) < maxErrors
	}
	header := trimTrailing(records[0])
	width := len(header)
	for _, rec := range records[1:] {
		width = max(width, len(trimTrailing(rec)))
	}
	switch {
	case width > MaxColumns:
		return nil, fileError("The sheet has more than %d columns. Keep only the columns to import.", MaxColumns)
	case len(header) < 2:
		return nil, fileError("The first row must name the sheet's columns (at least an organisation and a role), and this one names %d. Put the column names in the first row.", len(header))
	}
	s := &Sheet{Format: format, Header: make([]string, width)}
	for i := range s.Header {
		if i < len(header) {
			s.Header[i] = strings.Join(strings.Fields(header[i]), " ")
		}
	}
	ok := true
	for i, rec := range records {
		line := i + 1
		for c := range width {
			cell := ""
			if c < len(rec) {
				cell = rec[c]
			}
			if n := utf8.RuneCountInString(cell); n > MaxCell {
				ok = add(Problem{Line: line, Column: c, Message: fmt.Sprintf("%s: the cell holds %s characters; a cell may hold at most %s.",
					cellName(line, c, s.Header), thousands(n), thousands(MaxCell))})
			} else if formula != nil && formula(line, c) {
				ok = add(Problem{Line: line, Column: c, Message: cellName(line, c, s.Header) +
					": the cell holds a formula. Formulas are never worked out here: copy the sheet and paste it as values only, then upload it again."})
			}
			if !ok {
				break
			}
		}
		if !ok {
			break
		}
		if i == 0 || blank(rec) {
			continue
		}
		cells := make([]string, width)
		copy(cells, rec)
		s.Rows = append(s.Rows, Row{Line: line, Cells: cells})
	}
	if len(problems) > 0 {
		return nil, &Error{Problems: problems}
	}
	if len(s.Rows) == 0 {
		return nil, fileError("The sheet has no rows under its first row. The first row names the columns; put one contact on each row under it.")
	}
	return s, nil
}

func cellName(line, col int, header []string) string {
	name := "Row " + fmt.Sprint(line) + ", column " + ColumnLetter(col)
	if col < len(header) && header[col] != "" && line > 1 {
		name += " (" + header[col] + ")"
	}
	return name
}

func trimTrailing(rec []string) []string {
	n := len(rec)
	for n > 0 && strings.TrimSpace(rec[n-1]) == "" {
		n--
	}
	return rec[:n]
}

func blank(rec []string) bool { return len(trimTrailing(rec)) == 0 }

// thousands writes n with commas: 10,485,760.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
