package training

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"dadirectory/internal/uktime"
)

// Filename is the CSV download's name: only letters, digits and hyphens, so it needs no
// quoting in a Content-Disposition header.
func (r Report) Filename() string {
	return "training-report-" + r.Filter.Range.From.Format(time.DateOnly) + "-to-" + r.Filter.Range.To.Format(time.DateOnly) + ".csv"
}

// WriteCSV writes the page's figures as CSV, three columns throughout (Section, Item, Value)
// so a spreadsheet can filter it: the filters, the summary figures, people by sector, level,
// course and organisation, and the chosen quotes. Every text cell is made safe to open in a
// spreadsheet (see safeCell).
func (r Report) WriteCSV(w io.Writer, courseTitle string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rows := [][]string{{"Section", "Item", "Value"}}
	add := func(section, item, value string) {
		rows = append(rows, []string{section, safeCell(item), safeCell(value)})
	}
	n := strconv.Itoa
	f := r.Filter
	add("Filter", "From", uktime.Date(f.Range.From))
	add("Filter", "To", uktime.Date(f.Range.To))
	any := func(s string) string {
		if s == "" {
			return "Any"
		}
		return s
	}
	add("Filter", "Course", any(courseTitle))
	add("Filter", "Level", any(labelOrEmpty(Levels, f.Level)))
	add("Filter", "Programme", any(f.Programme))
	sector := ""
	if f.Sector != "" {
		sector = SectorLabel(f.Sector)
	}
	add("Filter", "Sector", any(sector))
	add("Summary", "People trained", n(r.People))
	add("Summary", "Sessions run", n(r.SessionsRun))
	add("Summary", "Places offered", n(r.PlacesOffered))
	add("Summary", "Places taken", n(r.PlacesTaken))
	add("Summary", "No-shows", n(r.NoShows))
	add("Summary", "On waiting lists", n(r.Waiting))
	add("Summary", "Attendances recorded", n(r.Attendances))
	add("Summary", "Evaluations given", n(r.Evaluations))
	add("Summary", "Evaluation response rate (%)", n(r.ResponseRate()))
	// A number this code wrote, so not made text by safeCell (which would quote a minus sign).
	rows = append(rows, []string{"Summary", "Average confidence change (1 to 5 scale)", r.ConfidenceChangeText()})
	add("Summary", "Follow-ups answered", n(r.Followups))
	add("Summary", "Practice changed: yes (%)", n(r.ChangedShare()))
	add("Summary", "Practice changed: partly (%)", n(r.PartlyShare()))
	for _, s := range r.BySector {
		add("People trained by sector", SectorLabel(s.Sector), n(s.People))
	}
	for _, l := range r.ByLevel {
		add("People trained by level", Label(Levels, l.Level), n(l.People))
	}
	for _, c := range r.ByCourse {
		add("Sessions run by course", c.Title, n(c.Sessions))
		add("People trained by course", c.Title, n(c.People))
	}
	for _, o := range r.ByOrganisation {
		add("People trained by organisation", o.Organisation, n(o.People))
	}
	for _, q := range r.Quotes {
		add("Quote", q.Text, q.Attribution()+" – "+q.CourseTitle)
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// ConfidenceChangeText is the average confidence change (after minus before) to one decimal
// place ("1.3", "-0.5"), or "No answers". No plus sign: a cell starting "+" is what spreadsheet
// formula checks look for.
func (r Report) ConfidenceChangeText() string {
	if r.ConfidenceAnswers == 0 {
		return "No answers"
	}
	s := strconv.FormatFloat(r.ConfidenceChange, 'f', 1, 64)
	if s == "-0.0" {
		s = "0.0"
	}
	return s
}

func labelOrEmpty(list []Choice, v string) string {
	if v == "" {
		return ""
	}
	return Label(list, v)
}
