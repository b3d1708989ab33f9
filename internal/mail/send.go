package mail

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Sender delivers a composed message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP sends through the server of SMTP_URL: smtp:// with STARTTLS when the server offers it,
// smtps:// with TLS from the first byte; a user and password in the URL mean authentication.
type SMTP struct {
	server *url.URL
	from   string
}

// NewSMTP sends through server (a URL checked by config) as from.
func NewSMTP(server *url.URL, from string) *SMTP { return &SMTP{server: server, from: from} }

// Send delivers m in a connection of its own. The error never holds the address or the
// server's words (which often repeat the address): only the SMTP code and whether it may pass.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg()
	if err := msg.From(s.from); err != nil {
		return Permanent(errors.New("mail: MAIL_FROM refused"))
	}
	if err := msg.To(m.To); err != nil {
		return Permanent(errors.New("mail: the recipient's address is not valid"))
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)

	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := 587
	if s.server.Scheme == "smtps" {
		port = 465
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if p := s.server.Port(); p != "" {
		port, _ = strconv.Atoi(p) // checked by config
	}
	opts = append(opts, gomail.WithPort(port))
	if u := s.server.User; u != nil {
		pass, _ := u.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.Username()), gomail.WithPassword(pass))
	}
	client, err := gomail.NewClient(s.server.Hostname(), opts...)
	if err != nil {
		return fmt.Errorf("mail: smtp client: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) {
			e := fmt.Errorf("mail: the mail server refused the message (SMTP %d %s)", se.ErrorCode(), se.EnhancedStatusCode())
			if !se.IsTemp() && se.ErrorCode() >= 500 {
				return Permanent(e)
			}
			return e
		}
		return errors.New("mail: could not reach the mail server")
	}
	return nil
}

// permanentError marks a failure that trying again cannot mend (a refused address).
type permanentError struct{ error }

func (p permanentError) Unwrap() error { return p.error }

// Permanent marks err as not worth retrying.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Mailbox keeps messages in memory instead of sending them: dev's /dev/mail, where a
// developer without a mail server reads what would have gone out. It keeps the latest
// mailboxSize.
type Mailbox struct {
	mu   sync.Mutex
	seq  int
	msgs []Stored
}

// Stored is a message in the mailbox.
type Stored struct {
	ID     int
	SentAt time.Time
	Message
}

const mailboxSize = 200

// Send keeps m.
func (b *Mailbox) Send(_ context.Context, m Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	b.msgs = append(b.msgs, Stored{ID: b.seq, SentAt: time.Now(), Message: m})
	if len(b.msgs) > mailboxSize {
		b.msgs = b.msgs[len(b.msgs)-mailboxSize:]
	}
	return nil
}

// List returns the messages kept, newest first.
func (b *Mailbox) List() []Stored {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Stored, len(b.msgs))
	for i, m := range b.msgs {
		out[len(b.msgs)-1-i] = m
	}
	return out
}

// Get returns the message with id.
func (b *Mailbox) Get(id int) (Stored, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.msgs {
		if m.ID == id {
			return m, true
		}
	}
	return Stored{}, false
}
