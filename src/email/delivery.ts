import type {
  TypeInput as EmailPasswordInput,
  TypeEmailPasswordEmailDeliveryInput as PasswordResetEmail,
} from "supertokens-node/recipe/emailpassword/types";
import type {
  TypeInput as EmailVerificationInput,
  TypeEmailVerificationEmailDeliveryInput as VerificationEmail,
} from "supertokens-node/recipe/emailverification/types";
import { pageLink } from "./links.ts";
import { deliverToOutbox, type OutboxEntry } from "./outbox.ts";
import type { EmailDelivery, SmtpSettings } from "./settings.ts";

type PasswordResetDelivery = NonNullable<EmailPasswordInput["emailDelivery"]>;
type VerificationDelivery = NonNullable<EmailVerificationInput["emailDelivery"]>;
type Service<D extends { service?: unknown }> = NonNullable<D["service"]>;

/** Loads a service on its first email and keeps it (a failed load is tried again next time). */
function lazily<S extends { sendEmail(input: never): Promise<void> }>(load: () => Promise<S>): S {
  let loaded: Promise<S> | undefined;
  return {
    sendEmail: async (input: never) => {
      loaded ??= load().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      return (await loaded).sendEmail(input);
    },
  } as S;
}

/** The outbox, SMTP, or undefined for SuperTokens' own service (supertokens-node's default). */
function serviceFor<S extends { sendEmail(input: never): Promise<void> }>(
  delivery: EmailDelivery,
  outbox: (file: string) => S,
  smtp: (settings: SmtpSettings) => Promise<S>,
): S | undefined {
  if (delivery.kind === "outbox") return outbox(delivery.file);
  if (delivery.kind === "smtp") return lazily(() => smtp(delivery.smtp));
  return undefined;
}

const toOutbox =
  <E>(describe: (email: E) => Omit<OutboxEntry, "at">) =>
  (file: string) => ({ sendEmail: (email: E) => deliverToOutbox(file, describe(email)) });

/** EmailPassword's reset email: its link points at the page's /reset-password, sent as `delivery` says. */
export function passwordResetDelivery(delivery: EmailDelivery, websiteDomain: string): PasswordResetDelivery {
  const service = serviceFor<Service<PasswordResetDelivery>>(
    delivery,
    toOutbox((email: PasswordResetEmail) => ({
      to: email.user.email,
      type: "password-reset",
      link: email.passwordResetLink,
    })),
    async (smtp) => (await import("./smtp.ts")).passwordResetSmtp(smtp),
  );
  return {
    ...(service === undefined ? {} : { service }),
    override: (original) => ({
      ...original,
      sendEmail: (email) =>
        original.sendEmail({
          ...email,
          passwordResetLink: pageLink(websiteDomain, "/reset-password", email.passwordResetLink),
        }),
    }),
  };
}

/** EmailVerification's email: its link points at the page's /verify-email, sent as `delivery` says. */
export function verificationDelivery(delivery: EmailDelivery, websiteDomain: string): VerificationDelivery {
  const service = serviceFor<Service<VerificationDelivery>>(
    delivery,
    toOutbox((email: VerificationEmail) => ({
      to: email.user.email,
      type: "email-verification",
      link: email.emailVerifyLink,
    })),
    async (smtp) => (await import("./smtp.ts")).verificationSmtp(smtp),
  );
  return {
    ...(service === undefined ? {} : { service }),
    override: (original) => ({
      ...original,
      sendEmail: (email) =>
        original.sendEmail({
          ...email,
          emailVerifyLink: pageLink(websiteDomain, "/verify-email", email.emailVerifyLink),
        }),
    }),
  };
}
