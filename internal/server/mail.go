package server

import (
	"context"

	"github.com/riverqueue/river"

	"dadirectory/internal/mail"
)

// startMail opens the job queue and decides where mail goes: SMTP_URL when set; else, in dev, the
// mailbox page /dev/mail; else nowhere, said once in the log, and the queue stays off (admins
// are shown invitation links instead, as they were before there was mail).
func (s *Server) startMail() error {
	var sender mail.Sender
	switch {
	case s.cfg.SMTPURL != nil:
		sender = mail.NewSMTP(s.cfg.SMTPURL, s.cfg.MailFrom)
	case s.cfg.Dev:
		s.mailbox = &mail.Mailbox{}
		sender = s.mailbox
	default:
		s.log.Warn("mail is off: set SMTP_URL to send invitations, password resets and review reminders")
		return nil
	}
	river.AddWorker(s.queue.Workers(), &mail.Worker{Sender: sender})
	s.registerJobs()
	if err := s.queue.Open(s.db, s.log); err != nil {
		return err
	}
	return s.queue.Start()
}

// registerJobs adds the features' workers and periodic jobs to the queue.
func (s *Server) registerJobs() {}

// siteName signs letters with the name an admin gave the site.
func (s *Server) siteName(ctx context.Context) string {
	settings, err := s.site.Get(ctx)
	if err != nil {
		return s.cfg.SiteName
	}
	return settings.SiteName
}
