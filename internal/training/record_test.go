package training

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ledongthuc/pdf"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
)

// pdfText is the plain text of a PDF, read back by a PDF reader.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("read PDF: %v", err)
	}
	text, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(text)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestRecordAndCertificate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	course := f.course(t, "Safe and Together Overview", "in_person", "staff")
	s := f.session(t, course, 2, 5)
	a, b := f.user(t, access.HousingStaff, ""), f.user(t, access.HousingStaff, "")
	if _, err := f.db.Exec(ctx, `UPDATE users SET name = 'Siobhán O''Neill' WHERE id = $1`, a.UserID); err != nil {
		t.Fatal(err)
	}
	for _, p := range []access.Viewer{a, b} {
		if _, err := f.store.Book(ctx, p, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	after := f.store.WithClock(func() time.Time { return f.now.Add(3 * 24 * time.Hour) })
	x, err := after.SessionForEdit(ctx, f.admin, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	var aBooking, bBooking int64
	for _, bk := range x.Bookings {
		if bk.Name == "Siobhán O'Neill" {
			aBooking = bk.ID
		} else {
			bBooking = bk.ID
		}
	}
	if _, err := after.MarkAttendance(ctx, f.admin, s.ID, []int64{aBooking, bBooking}, []int64{aBooking}); err != nil {
		t.Fatal(err)
	}
	rec, err := f.store.Record(ctx, a)
	if err != nil || len(rec) != 1 || rec[0].BookingID != aBooking || rec[0].Level != "overview" || rec[0].Provider == "" {
		t.Fatalf("record: %+v %v", rec, err)
	}
	if rec, err := f.store.Record(ctx, b); err != nil || len(rec) != 0 {
		t.Errorf("b's record (no-show): %+v %v", rec, err)
	}
	// Another person's booking, and a booking not attended, are not found.
	if _, err := f.store.Certificate(ctx, b, aBooking); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("someone else's certificate: %v", err)
	}
	if _, err := f.store.Certificate(ctx, b, bBooking); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("certificate of a no-show: %v", err)
	}
	if _, err := f.store.Certificate(ctx, access.Public, aBooking); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("anonymous certificate: %v", err)
	}
	c, err := f.store.Certificate(ctx, a, aBooking)
	if err != nil {
		t.Fatal(err)
	}
	c.Site = "Test Directory"
	var buf bytes.Buffer
	if err := c.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"Siobhán O'Neill", "Safe and Together Overview", "Certificate of attendance", c.Reference(), "Overview"} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate lacks %q: %q", want, text)
		}
	}
	if !strings.HasPrefix(c.FileName(), "certificate-TR-") {
		t.Errorf("file name %q", c.FileName())
	}
}
