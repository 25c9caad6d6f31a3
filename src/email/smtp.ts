/**
 * supertokens-node's SMTP delivery (nodemailer, ~210 KB minified). Only ./delivery.ts imports it,
 * with a dynamic import: a cold start without SMTP_HOST never evaluates nodemailer.
 */
import { SMTPService as PasswordResetSmtp } from "supertokens-node/recipe/emailpassword/emaildelivery";
import { SMTPService as VerificationSmtp } from "supertokens-node/recipe/emailverification/emaildelivery";
import type { SmtpSettings } from "../config/email.ts";

export function passwordResetSmtp(smtpSettings: SmtpSettings): InstanceType<typeof PasswordResetSmtp> {
  return new PasswordResetSmtp({ smtpSettings });
}

export function verificationSmtp(smtpSettings: SmtpSettings): InstanceType<typeof VerificationSmtp> {
  return new VerificationSmtp({ smtpSettings });
}
