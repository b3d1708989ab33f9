package server

import (
	"context"

	"github.com/riverqueue/river"

	"dadirectory/internal/accounts"
	"dadirectory/internal/directory"
	"dadirectory/internal/mail"
	"dadirectory/internal/training"
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
	s.registerJobs(sender)
	if err := s.queue.Open(s.db, s.log); err != nil {
		return err
	}
	return s.queue.Start()
}

// registerJobs adds the features' workers and periodic jobs to the queue. sender is for
// workers that send at once what must not wait in the queue's table (password links).
func (s *Server) registerJobs(sender mail.Sender) {
	river.AddWorker(s.queue.Workers(), &accounts.LinkEmailWorker{Store: s.accounts, Outbox: s.outbox, Sender: sender})
	s.accounts.UseQueue(s.queue)
	river.AddWorker(s.queue.Workers(), &directory.ReminderWorker{Store: s.directory, Outbox: s.outbox})
	s.queue.Every(s.cfg.ReminderEvery, func() river.JobArgs { return directory.ReminderArgs{} })
	river.AddWorker(s.queue.Workers(), &directory.WatchWorker{Store: s.directory, Outbox: s.outbox})
	s.queue.Every(directory.WatchEvery, func() river.JobArgs { return directory.WatchArgs{} })
	river.AddWorker(s.queue.Workers(), &training.ReminderWorker{Store: s.training})
	s.queue.Every(s.cfg.ReminderEvery, func() river.JobArgs { return training.ReminderArgs{} })
	river.AddWorker(s.queue.Workers(), &training.OfferExpiryWorker{Store: s.training})
	river.AddWorker(s.queue.Workers(), &training.FollowupWorker{Store: s.training, Outbox: s.outbox})
	s.queue.Every(training.FollowupEvery, func() river.JobArgs { return training.FollowupArgs{} })
}

// siteName signs letters with the name an admin gave the site.
func (s *Server) siteName(ctx context.Context) string {
	settings, err := s.site.Get(ctx)
	if err != nil {
		return s.cfg.SiteName
	}
	return settings.SiteName
}
