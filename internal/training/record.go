package training

import (
	"context"
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/jackc/pgx/v5"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/uktime"
)

// A person's training record: every session their attendance is recorded at, with its course,
// level, programme, date and provider, and a certificate of attendance for each (a PDF the app
// draws). A person sees only their own record: a certificate for anyone else's booking is a 404.

// RecordLine is one attended session on a person's record.
type RecordLine struct {
	BookingID   int64
	CourseSlug  string
	CourseTitle string
	Programme   string
	Level       string
	Duration    string
	Provider    string
	StartsAt    time.Time
	EndsAt      time.Time
}

// Reference is the certificate's reference: the year of the session and the booking's number,
// which the training team can look up.
func (l RecordLine) Reference() string {
	return fmt.Sprintf("TR-%d-%06d", l.StartsAt.In(uktime.London).Year(), l.BookingID)
}

// LevelLabel is the words for the line's level.
func (l RecordLine) LevelLabel() string { return Label(Levels, l.Level) }

const recordSelect = `SELECT b.id, c.slug, c.title, c.programme, c.level, c.duration, a.name, s.starts_at, s.ends_at
	FROM training_bookings b JOIN training_sessions s ON s.id = b.session_id
	JOIN training_courses c ON c.id = s.course_id JOIN agencies a ON a.id = c.provider_id
	WHERE b.user_id = $1 AND b.status = 'attended'`

func scanRecord(r pgx.CollectableRow) (RecordLine, error) {
	var l RecordLine
	return l, r.Scan(&l.BookingID, &l.CourseSlug, &l.CourseTitle, &l.Programme, &l.Level, &l.Duration, &l.Provider, &l.StartsAt, &l.EndsAt)
}

// Record is the viewer's own training record, latest first. It includes courses since
// withdrawn: it is their record.
func (s *Store) Record(ctx context.Context, v access.Viewer) ([]RecordLine, error) {
	if !v.IsStaff() {
		return nil, edit.ErrNotFound
	}
	rows, err := s.db.Query(ctx, recordSelect+` ORDER BY s.starts_at DESC, b.id DESC`, v.UserID)
	if err != nil {
		return nil, wrap("record", err)
	}
	out, err := pgx.CollectRows(rows, scanRecord)
	return out, wrap("record", err)
}

// Certificate is what a certificate of attendance says.
type Certificate struct {
	RecordLine
	Name string // the person's name
	Site string // the site that issues it, as an admin named it
}

// Certificate returns the certificate for the viewer's own attended booking id, or
// edit.ErrNotFound for a booking that is not theirs or not attended.
func (s *Store) Certificate(ctx context.Context, v access.Viewer, bookingID int64) (Certificate, error) {
	var c Certificate
	if !v.IsStaff() {
		return c, edit.ErrNotFound
	}
	rows, err := s.db.Query(ctx, recordSelect+` AND b.id = $2`, v.UserID, bookingID)
	if err != nil {
		return c, wrap("certificate", err)
	}
	line, err := pgx.CollectExactlyOneRow(rows, scanRecord)
	if isNoRows(err) {
		return c, edit.ErrNotFound
	}
	if err != nil {
		return c, wrap("certificate", err)
	}
	c.RecordLine = line
	err = s.db.QueryRow(ctx, `SELECT name FROM users WHERE id = $1`, v.UserID).Scan(&c.Name)
	return c, wrap("certificate", err)
}

// FileName is the certificate's file name when downloaded: the reference, nothing personal.
func (c Certificate) FileName() string { return "certificate-" + c.Reference() + ".pdf" }

// WritePDF draws the certificate as a one-page A4 PDF. The standard PDF fonts hold Western
// European letters (Windows-1252): a letter outside them is drawn as a question mark.
func (c Certificate) WritePDF(w io.Writer) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetTitle("Certificate of attendance: "+c.CourseTitle, true)
	pdf.SetAuthor(c.Site, true)
	pdf.SetCreator(c.Site, true)
	pdf.SetCreationDate(c.EndsAt)
	pdf.SetMargins(25, 25, 25)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("")
	width, height := pdf.GetPageSize()
	pdf.SetDrawColor(29, 112, 184)
	pdf.SetLineWidth(1.5)
	pdf.Rect(10, 10, width-20, height-20, "D")
	pdf.SetLineWidth(0.4)
	pdf.Rect(14, 14, width-28, height-28, "D")
	line := func(size float64, style, text string, gap float64) {
		pdf.SetFont("Helvetica", style, size)
		pdf.SetY(pdf.GetY() + gap)
		pdf.MultiCell(0, size*0.5, tr(text), "", "C", false)
	}
	pdf.SetTextColor(11, 12, 12)
	pdf.SetY(32)
	line(14, "", c.Site, 0)
	line(30, "B", "Certificate of attendance", 8)
	line(14, "", "This is to certify that", 10)
	line(26, "B", c.Name, 6)
	line(14, "", "attended", 6)
	line(22, "B", c.CourseTitle, 6)
	detail := c.Programme + ", " + c.LevelLabel()
	if c.Duration != "" {
		detail += " (" + c.Duration + ")"
	}
	line(13, "", detail, 4)
	line(13, "", "on "+uktime.Date(c.StartsAt)+", provided by "+c.Provider, 4)
	pdf.SetY(height - 40)
	pdf.SetFont("Helvetica", "", 11)
	pdf.SetTextColor(80, 90, 95)
	pdf.CellFormat(0, 6, tr("Certificate reference: "+c.Reference()), "", 1, "C", false, 0, "")
	pdf.CellFormat(0, 6, tr("The training team can confirm this certificate from its reference."), "", 1, "C", false, 0, "")
	return pdf.Output(w)
}
