import type {
  TypeInput as EmailPasswordInput,
  TypeEmailPasswordEmailDeliveryInput as PasswordResetEmail,
} from "supertokens-node/recipe/emailpassword/types";
import type {
  TypeInput as EmailVerificationInput,
  TypeEmailVerificationEmailDeliveryInput as VerificationEmail,
} from "supertokens-node/recipe/emailverification/types";
import type { EmailDelivery, SmtpSettings } from "../config/email.ts";
import { type EmailPage, pageLink } from "./links.ts";
import { deliverToOutbox, type OutboxEntry } from "./outbox.ts";

type PasswordResetDelivery = NonNullable<EmailPasswordInput["emailDelivery"]>;
type VerificationDelivery = NonNullable<EmailVerificationInput["emailDelivery"]>;

/** What sends one kind of email: the outbox, an SMTP service, or supertokens-node's own. */
interface Sender<E> {
  sendEmail(input: E): Promise<void>;
}

/** Loads a service on its first email and keeps it (a failed load is tried again next time). */
function lazily<E>(load: () => Promise<Sender<E>>): Sender<E> {
  let loaded: Promise<Sender<E>> | undefined;
  return {
    sendEmail: async (input) => {
      loaded ??= load().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      return (await loaded).sendEmail(input);
    },
  };
}

/** What differs between the two emails: their outbox type, the page their link opens, their link field. */
interface LinkedEmail<E> {
  type: OutboxEntry["type"];
  page: EmailPage;
  link: (email: E) => string;
  withLink: (email: E, link: string) => E;
  smtp: (settings: SmtpSettings) => Promise<Sender<E>>;
}

/** A recipe's email delivery: its link points at the page, sent as `delivery` says. */
function pageLinkedDelivery<E extends { user: { email: string } }>(
  delivery: EmailDelivery,
  websiteDomain: string,
  email: LinkedEmail<E>,
) {
  // The outbox, SMTP, or undefined for SuperTokens' own service (supertokens-node's default).
  const service: Sender<E> | undefined =
    delivery.kind === "outbox"
      ? {
          sendEmail: (sent) =>
            deliverToOutbox(delivery.file, { to: sent.user.email, type: email.type, link: email.link(sent) }),
        }
      : delivery.kind === "smtp"
        ? lazily(() => email.smtp(delivery.smtp))
        : undefined;
  return {
    ...(service === undefined ? {} : { service }),
    override: (original: Sender<E>) => ({
      ...original,
      sendEmail: (sent: E) =>
        original.sendEmail(email.withLink(sent, pageLink(websiteDomain, email.page, email.link(sent)))),
    }),
  };
}

/** EmailPassword's reset email: its link points at the page's /reset-password. */
export function passwordResetDelivery(delivery: EmailDelivery, websiteDomain: string): PasswordResetDelivery {
  return pageLinkedDelivery<PasswordResetEmail>(delivery, websiteDomain, {
    type: "password-reset",
    page: "/reset-password",
    link: (email) => email.passwordResetLink,
    withLink: (email, passwordResetLink) => ({ ...email, passwordResetLink }),
    smtp: async (smtp) => (await import("./smtp.ts")).passwordResetSmtp(smtp),
  }) as PasswordResetDelivery;
}

/** EmailVerification's email: its link points at the page's /verify-email. */
export function verificationDelivery(delivery: EmailDelivery, websiteDomain: string): VerificationDelivery {
  return pageLinkedDelivery<VerificationEmail>(delivery, websiteDomain, {
    type: "email-verification",
    page: "/verify-email",
    link: (email) => email.emailVerifyLink,
    withLink: (email, emailVerifyLink) => ({ ...email, emailVerifyLink }),
    smtp: async (smtp) => (await import("./smtp.ts")).verificationSmtp(smtp),
  }) as VerificationDelivery;
}
