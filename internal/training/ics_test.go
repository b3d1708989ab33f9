package training

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/uktime"
)

// checkICS checks the file's shape against RFC 5545 and returns its unfolded lines.
func checkICS(t *testing.T, b []byte) []string {
	t.Helper()
	s := string(b)
	if !strings.HasSuffix(s, "\r\n") || strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\n") || strings.Contains(strings.ReplaceAll(s, "\r\n", ""), "\r") {
		t.Fatalf("lines must end with CRLF and contain no bare CR or LF:\n%q", s)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets (%d): %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("folding split a character: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Errorf("not a calendar: %v", lines)
	}
	return lines
}

func prop(lines []string, name string) string {
	for _, l := range lines {
		if k, v, ok := strings.Cut(l, ":"); ok && k == name {
			return v
		}
	}
	return ""
}

func TestICSShape(t *testing.T) {
	winter := time.Date(2030, 1, 15, 9, 30, 0, 0, uktime.London)
	summer := time.Date(2030, 7, 15, 9, 30, 0, 0, uktime.London)
	long := strings.Repeat("Safe & Together, café; training\\ ", 6)
	for _, at := range []time.Time{winter, summer} {
		e := Event{SessionID: 42, Title: long, Description: "Line one\nLine two; with, punctuation", Venue: "Room 1, Civic Centre",
			URL: "https://example.org/training/x", StartsAt: at.UTC(), EndsAt: at.Add(7 * time.Hour).UTC(), Sequence: 2,
			Stamp: time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)}
		lines := checkICS(t, ICS(e, "directory.example.org"))
		if got := prop(lines, "UID"); got != "session-42@directory.example.org" {
			t.Errorf("UID %q", got)
		}
		if got := prop(lines, "DTSTART;TZID=Europe/London"); got != at.Format("20060102")+"T093000" {
			t.Errorf("DTSTART %q: the local time must be 09:30 whatever the season", got)
		}
		if got := prop(lines, "DTEND;TZID=Europe/London"); got != at.Format("20060102")+"T163000" {
			t.Errorf("DTEND %q", got)
		}
		if got := prop(lines, "SUMMARY"); got != escapeText(long) || !strings.Contains(got, `\;`) || !strings.Contains(got, `\,`) || !strings.Contains(got, `\\`) {
			t.Errorf("SUMMARY %q", got)
		}
		if got := prop(lines, "DESCRIPTION"); got != `Line one\nLine two\; with\, punctuation` {
			t.Errorf("DESCRIPTION %q", got)
		}
		if prop(lines, "TZID") != "Europe/London" || prop(lines, "DTSTAMP") != "20300101T120000Z" || prop(lines, "SEQUENCE") != "2" {
			t.Errorf("VTIMEZONE, DTSTAMP or SEQUENCE missing: %v", lines)
		}
		if prop(lines, "STATUS") != "CONFIRMED" || prop(lines, "VERSION") != "2.0" || prop(lines, "PRODID") == "" {
			t.Errorf("STATUS, VERSION or PRODID: %v", lines)
		}
	}
}

func TestFoldNeverSplitsACharacter(t *testing.T) {
	for n := 60; n < 90; n++ {
		s := "SUMMARY:" + strings.Repeat("é", n) + "x"
		out := fold(s)
		parts := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n ")
		if strings.Join(parts, "") != s {
			t.Fatalf("unfolding does not give the line back")
		}
		for _, p := range strings.Split(out, "\r\n") {
			if len(p) > 75 || !utf8.ValidString(p) {
				t.Fatalf("bad folded line %q", p)
			}
		}
	}
	if escapeText("a\x00b\x1bc\r\nd") != `abc\nd` {
		t.Errorf("control characters: %q", escapeText("a\x00b\x1bc\r\nd"))
	}
}

func TestSessionEventVisibilityAndLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	page := func(slug string) string { return "https://directory.example.org/training/" + slug }
	staff := f.session(t, f.course(t, "Staff-only webinar", "online", "staff"), 3, 5)
	public := f.session(t, f.course(t, "Public roadshow", "in_person", "public"), 3, 5)

	if _, err := f.store.SessionEvent(ctx, access.Public, staff.ID, page); !errors.Is(err, edit.ErrNotFound) {
		t.Errorf("anonymous, staff-only course: %v", err)
	}
	e, err := f.store.SessionEvent(ctx, access.Public, public.ID, page)
	if err != nil || e.Venue == "" || e.URL != page("public-roadshow") {
		t.Errorf("anonymous, public course: %+v %v", e, err)
	}
	p := f.user(t, access.HousingStaff, "")
	e, err = f.store.SessionEvent(ctx, p, staff.ID, page)
	if err != nil || strings.Contains(e.Description, "meet.example.org") || e.URL != page("staff-only-webinar") {
		t.Errorf("not booked: the joining link is not given: %+v %v", e, err)
	}
	if _, err := f.store.Book(ctx, p, staff.ID); err != nil {
		t.Fatal(err)
	}
	e, err = f.store.SessionEvent(ctx, p, staff.ID, page)
	if err != nil || e.URL != "https://meet.example.org/x" {
		t.Errorf("booked: the joining link is given: %+v %v", e, err)
	}
	if _, err := f.store.CancelSession(ctx, f.admin, staff.ID, staff.Version); err != nil {
		t.Fatal(err)
	}
	e, _ = f.store.SessionEvent(ctx, p, staff.ID, page)
	lines := checkICS(t, ICS(e, "h"))
	if prop(lines, "STATUS") != "CANCELLED" || prop(lines, "SEQUENCE") != "1" || !strings.HasPrefix(prop(lines, "SUMMARY"), "Cancelled") {
		t.Errorf("cancelled session's entry: %v", lines)
	}
}
