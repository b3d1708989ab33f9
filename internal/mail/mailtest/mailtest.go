// Package mailtest runs a real SMTP server on loopback for tests (emersion/go-smtp): the app
// sends to it through SMTP_URL exactly as it would to a council's mail server, and tests read
// what arrived, decoded as a mail client would.
package mailtest

import (
	"bytes"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is one message as it arrived.
type Received struct {
	From    string
	To      []string
	Subject string
	Text    string // the text/plain part, decoded
	HTML    string // the text/html part, decoded
	Raw     []byte
}

// Server is a loopback SMTP server that keeps what it receives.
type Server struct {
	mu       sync.Mutex
	received []Received
	changed  chan struct{}
	addr     string
	srv      *smtp.Server
	t        testing.TB
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{changed: make(chan struct{}), t: t}
	s.listen("127.0.0.1:0")
	t.Cleanup(s.Stop)
	return s
}

func (s *Server) listen(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.t.Fatalf("mailtest: %v", err)
	}
	s.addr = ln.Addr().String()
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv = srv
	go srv.Serve(ln) //nolint:errcheck // ends with Close
}

// URL is the SMTP_URL that reaches the server.
func (s *Server) URL() *url.URL { return &url.URL{Scheme: "smtp", Host: s.addr} }

// Stop closes the server: the app's mail then fails, as when a mail server is down.
func (s *Server) Stop() { _ = s.srv.Close() }

// Restart listens again on the same address.
func (s *Server) Restart() { s.listen(s.addr) }

// All returns what has arrived so far.
func (s *Server) All() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Wait returns the first message for which match is true, waiting up to 30 s (generous: a
// busy machine still delivers in time) before failing the test.
func (s *Server) Wait(t testing.TB, what string, match func(Received) bool) Received {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		s.mu.Lock()
		for _, m := range s.received {
			if match(m) {
				s.mu.Unlock()
				return m
			}
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("mailtest: no email %s arrived in 30 s; received %d: %v", what, len(s.All()), subjects(s.All()))
			return Received{}
		}
	}
}

// WaitCount waits (up to 30 s) until n messages match, and fails the test otherwise.
func (s *Server) WaitCount(t testing.TB, what string, match func(Received) bool, n int) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if s.Count(match) >= n {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("mailtest: %d of %d emails %s arrived in 30 s", s.Count(match), n, what)
			return
		}
	}
}

// To matches a message sent to addr whose subject contains subject.
func To(addr, subject string) func(Received) bool {
	return func(m Received) bool {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) && strings.Contains(m.Subject, subject) {
				return true
			}
		}
		return false
	}
}

// Count returns how many messages match.
func (s *Server) Count(match func(Received) bool) int {
	n := 0
	for _, m := range s.All() {
		if match(m) {
			n++
		}
	}
	return n
}

func subjects(ms []Received) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = strings.Join(m.To, ",") + ": " + m.Subject
	}
	return out
}

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Received{From: x.from, To: x.to, Raw: raw}
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		dec := new(mime.WordDecoder)
		if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
			m.Subject = subj
		}
		readParts(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &m)
	}
	x.s.mu.Lock()
	x.s.received = append(x.s.received, m)
	close(x.s.changed)
	x.s.changed = make(chan struct{})
	x.s.mu.Unlock()
	return nil
}

// readParts walks a MIME body, keeping the decoded text and HTML parts.
func readParts(contentType, encoding string, body io.Reader, m *Received) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			readParts(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, m)
		}
	}
	if strings.EqualFold(encoding, "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, _ := io.ReadAll(body)
	switch mediaType {
	case "text/plain":
		m.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
	case "text/html":
		m.HTML = string(b)
	}
}
