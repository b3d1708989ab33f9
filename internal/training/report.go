package training

import (
	"net/url"
	"strings"
	"time"

	"dadirectory/internal/uktime"
	"dadirectory/internal/validate"
)

// The report's dates (this file), its filters (report_filter.go) and its figures
// (report_figures.go), as a page and as CSV (report_csv.go).

// ReportForm is the report's date range and filters as typed.
type ReportForm struct{ From, To, Course, Level, Programme, Sector string }

// ReportRange is a range of whole days in the UK, both ends included.
type ReportRange struct{ From, To time.Time }

// maxReportDays bounds the range a report covers.
const maxReportDays = 366 * 20

// ParseReportRange reads from and to (YYYY-MM-DD); missing ends default to the twelve months
// up to today.
func ParseReportRange(q url.Values, now time.Time) (ReportRange, ReportForm, validate.Errors) {
	var e validate.Errors
	form := ReportForm{From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to"))}
	today := now.In(uktime.London)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, uktime.London)
	r := ReportRange{From: today.AddDate(-1, 0, 1), To: today}
	read := func(field, label, s string, dst *time.Time) {
		if s == "" {
			return
		}
		d, ok := e.Date(field, label, s, false)
		if !ok {
			return
		}
		if d.Year() < 2000 || d.Year() > 2200 {
			e.Add(field, strings.ToUpper(label[:1])+label[1:]+" must be a real date")
			return
		}
		*dst = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, uktime.London)
	}
	read("from", "the first day", form.From, &r.From)
	read("to", "the last day", form.To, &r.To)
	switch {
	case len(e) > 0:
	case r.To.Before(r.From):
		e.Add("to", "The last day must be on or after the first day")
	case r.To.Sub(r.From) > maxReportDays*24*time.Hour:
		e.Add("from", "The report can cover 20 years at most")
	}
	if form.From == "" {
		form.From = r.From.Format(time.DateOnly)
	}
	if form.To == "" {
		form.To = r.To.Format(time.DateOnly)
	}
	return r, form, e
}

// safeCell stops a cell being read as a formula by a spreadsheet (CSV injection): a value
// starting with = + - @ (or a tab or carriage return, which some programs skip first) gets a
// leading apostrophe, which spreadsheets show as text.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
