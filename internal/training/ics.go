package training

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dadirectory/internal/access"
	"dadirectory/internal/edit"
	"dadirectory/internal/uktime"
)

// A calendar entry for one session, as RFC 5545 (iCalendar) has it: CRLF line ends, lines
// folded at 75 octets, text escaped, times given in Europe/London with that zone described in
// a VTIMEZONE, and a UID that stays the same however often the file is downloaded, so a
// calendar updates its entry instead of adding another.

// Event is what a session's calendar entry holds.
type Event struct {
	SessionID   int64
	Title       string
	Description string
	Venue       string
	URL         string // the joining link (for people with a place) or the course page
	StartsAt    time.Time
	EndsAt      time.Time
	Cancelled   bool
	Sequence    int       // revision: the session's version less one
	Stamp       time.Time // when the entry last changed
}

// SessionEvent returns session id as a calendar entry for the viewer, or edit.ErrNotFound. The
// joining link is included only for someone with a place or who manages the course; everyone
// else gets the course page. courseURL makes a course page's address from its slug.
func (s *Store) SessionEvent(ctx context.Context, v access.Viewer, id int64, courseURL func(slug string) string) (Event, error) {
	var e Event
	own, admin := v.EditScope()
	var slug, programme, link string
	err := s.db.QueryRow(ctx, `SELECT s.id, c.title, c.programme, c.slug, s.venue,
			CASE WHEN mb.status IN ('booked','attended') OR `+mayManage("$4", "$5")+` THEN s.online_url ELSE '' END,
			s.starts_at, s.ends_at, s.cancelled_at IS NOT NULL, s.version - 1, s.updated_at
		`+sessionFrom("$3")+`
		WHERE s.id = $2 AND `+visibleCourse, v.IsStaff(), id, v.UserID, own, admin).
		Scan(&e.SessionID, &e.Title, &programme, &slug, &e.Venue, &link, &e.StartsAt, &e.EndsAt, &e.Cancelled, &e.Sequence, &e.Stamp)
	if isNoRows(err) {
		return e, edit.ErrNotFound
	}
	if err != nil {
		return e, wrap("session event", err)
	}
	page := courseURL(slug)
	e.URL = page
	desc := []string{programme + " training."}
	if link != "" {
		e.URL = link
		desc = append(desc, "Join online: "+link)
	}
	desc = append(desc, "Course details and bookings: "+page)
	if e.Cancelled {
		e.Title = "Cancelled: " + e.Title
		desc = append([]string{"This session has been cancelled."}, desc...)
	}
	e.Description = strings.Join(desc, "\n")
	return e, nil
}

// vtimezone describes Europe/London's rules since 1996 (last Sunday of March at 01:00 UTC to
// BST, last Sunday of October back to GMT), which every calendar program understands.
const vtimezone = "BEGIN:VTIMEZONE\r\n" +
	"TZID:Europe/London\r\n" +
	"BEGIN:DAYLIGHT\r\n" +
	"TZOFFSETFROM:+0000\r\n" +
	"TZOFFSETTO:+0100\r\n" +
	"TZNAME:BST\r\n" +
	"DTSTART:19700329T010000\r\n" +
	"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n" +
	"END:DAYLIGHT\r\n" +
	"BEGIN:STANDARD\r\n" +
	"TZOFFSETFROM:+0100\r\n" +
	"TZOFFSETTO:+0000\r\n" +
	"TZNAME:GMT\r\n" +
	"DTSTART:19701025T020000\r\n" +
	"RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n" +
	"END:STANDARD\r\n" +
	"END:VTIMEZONE\r\n"

// ICS renders e as an iCalendar file. host names the site in the UID (session-<id>@host).
func ICS(e Event, host string) []byte {
	var b strings.Builder
	line := func(name, value string) { b.WriteString(fold(name + ":" + value)) }
	local := func(t time.Time) string { return t.In(uktime.London).Format("20060102T150405") }
	b.WriteString("BEGIN:VCALENDAR\r\n")
	line("VERSION", "2.0")
	line("PRODID", "-//Domestic Abuse Digital Directory//Training//EN")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	b.WriteString(vtimezone)
	b.WriteString("BEGIN:VEVENT\r\n")
	line("UID", "session-"+strconv.FormatInt(e.SessionID, 10)+"@"+host)
	line("DTSTAMP", e.Stamp.UTC().Format("20060102T150405Z"))
	line("SEQUENCE", strconv.Itoa(max(e.Sequence, 0)))
	line("DTSTART;TZID=Europe/London", local(e.StartsAt))
	line("DTEND;TZID=Europe/London", local(e.EndsAt))
	line("SUMMARY", escapeText(e.Title))
	if e.Venue != "" {
		line("LOCATION", escapeText(e.Venue))
	}
	if e.Description != "" {
		line("DESCRIPTION", escapeText(e.Description))
	}
	if e.URL != "" {
		line("URL", e.URL)
	}
	if e.Cancelled {
		line("STATUS", "CANCELLED")
	} else {
		line("STATUS", "CONFIRMED")
	}
	b.WriteString("END:VEVENT\r\n")
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma get a
// backslash, a line break becomes \n, and other control characters are dropped.
func escapeText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\n', '\r':
			b.WriteString(`\n`)
		default:
			if r < 0x20 && r != '\t' || r == 0x7f {
				continue
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fold ends a content line with CRLF, breaking it so no line is longer than 75 octets; each
// continuation starts with a space. A UTF-8 character is never split.
func fold(s string) string {
	const limit = 75
	var b strings.Builder
	width := limit
	for len(s) > width {
		cut := width
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		width = limit - 1 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
