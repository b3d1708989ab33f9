package sheet

import (
	"encoding/csv"
	"io"
)

// Writer writes CSV for spreadsheet programs: UTF-8 with a byte order mark (so Excel reads
// the accents right) and every cell made formula-safe (Safe).
type Writer struct {
	w   *csv.Writer
	row []string
}

// NewWriter starts a CSV file on w with the byte order mark.
func NewWriter(w io.Writer) (*Writer, error) {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return &Writer{w: cw}, nil
}

// Write writes one row, each cell through Safe.
func (w *Writer) Write(cells ...string) error {
	w.row = w.row[:0]
	for _, c := range cells {
		w.row = append(w.row, Safe(c))
	}
	return w.w.Write(w.row)
}

// Flush writes what is buffered and reports any error of the writes so far.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// Safe is cell as a spreadsheet program will show it and never run: a cell starting with
// = + - @, a tab or a carriage return would be read as a formula (CSV injection), so it gets
// a leading apostrophe, which the program shows as text.
func Safe(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}
