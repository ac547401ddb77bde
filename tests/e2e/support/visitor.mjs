// A visitor filling in the built-in questionnaire, by labels and roles only, shared by the
// end-to-end tests.
import { continueButton, group } from './browser.mjs';

// Visitor text the widget must keep exactly and show only as text (issue 2, "Bad input").
export const HOSTILE = 'Zoë 😀 مرحبا بالعيادة <script>alert(1)</script> <img src=x onerror=alert(2)>';

/** The name the visitor signs the consent with. */
export const SIGNER = 'Jane A. Example';

export const heading = (page, name) => page.getByRole('heading', { name, exact: true });

/** Whether the widget's stylesheet reaches its Continue button (44 px high, not the browser's
 *  default). Read again when the element read was replaced meanwhile: the wasm taking over the
 *  drawn first step detaches it, and a detached element has no computed style at all (this
 *  read once failed that way, 2026-12-06). */
export async function styled(page) {
  for (;;) {
    const height = await page.getByRole('button', { name: 'Continue', exact: true })
      .evaluate((el) => (el.isConnected ? parseFloat(getComputedStyle(el).minHeight) : null));
    if (height !== null) return height >= 40;
  }
}

/** What a visitor does on the drawn first step before the wasm has taken it over: an email, a
 * tick, a choice, and the name typed with a letter missing (the caret at its end). Gives the
 * name's field. */
export async function firstSeconds(page) {
  await page.getByLabel('Email address').fill('name@example.com');
  await page.getByLabel('I confirm I am 18 or over').check();
  await group(page, 'How would you prefer us to contact you? (optional)').getByLabel('Phone').check();
  const name = page.getByLabel('Full name');
  await name.click();
  await page.keyboard.type('Jne Example');
  return name;
}

export async function fillAboutYou(page, { email = 'name@example.com' } = {}) {
  await page.getByLabel('Full name').fill('Jane Example');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Phone number (optional)').fill('01632 960 001');
  await page.getByRole('checkbox', { name: 'I confirm I am 18 or over' }).check();
  await group(page, 'How would you prefer us to contact you?').getByRole('radio', { name: 'Phone' }).check();
  await page.getByLabel('Website or social media profile (optional)').fill('myclinic.com');
}

export async function fillYourSkin(page) {
  const areas = group(page, 'Which areas would you like treated?');
  await areas.getByRole('checkbox', { name: 'Face' }).check();
  await areas.getByRole('checkbox', { name: 'Décolletage (upper chest)' }).check();
  const concerns = group(page, 'What would you like to improve?');
  await concerns.getByRole('checkbox', { name: 'Acne scars' }).check();
  await concerns.getByRole('checkbox', { name: 'Something else' }).check();
  await page.getByLabel('What else would you like to improve?').fill('Redness after sport');
  await group(page, 'What is your skin type?').getByRole('radio', { name: 'Combination' }).check();
  await page.getByLabel('What do you hope to achieve? (optional)').fill(HOSTILE);
}

export async function fillPreferences(page) {
  await group(page, 'Which type of microneedling interests you?').getByRole('radio', { name: 'Automated pen' }).check();
  await group(page, 'Have you had microneedling before?').getByRole('radio', { name: 'Yes' }).check();
  await page.getByLabel('When was your last treatment').fill('About a year ago, some redness for two days');
  await group(page, 'Would you like numbing cream').getByRole('radio', { name: 'Not sure' }).check();
}

export const SCREENING = [
  'eczema, psoriasis or rosacea', 'active acne, a cold sore', 'ever had cold sores', 'keloid',
  'isotretinoin', 'retinoids, AHAs or BHAs', 'pregnant or breastfeeding', 'blood thinners', 'diabetes',
  'autoimmune condition', 'sunburn, laser treatment', 'allergic to any topical products',
];

export async function fillHealth(page) {
  for (const question of SCREENING) {
    const yes = question === 'pregnant or breastfeeding' || question === 'allergic to any topical products';
    await group(page, question).getByRole('radio', { name: yes ? 'Yes' : 'No' }).check();
  }
  await page.getByLabel('Which products are you allergic to?').fill('Lidocaine');
  await page.getByLabel('Are you taking any medicines at the moment? (optional)').fill('None');
}

export async function fillConsent(page) {
  for (const name of [
    'I have read and understand the risks', 'I have read the aftercare advice',
    'I confirm the information I have given is accurate', 'I agree that the clinic may store and use',
  ]) {
    await page.getByRole('checkbox', { name }).check();
  }
  // Issue 23: signed by typing one's full name, the way that is always there.
  await page.getByLabel('Your signature').fill(SIGNER);
}

export const STEPS = [
  ['About you', fillAboutYou], ['Your skin', fillYourSkin], ['Treatment preferences', fillPreferences],
  ['Health screening', fillHealth], ['Consent', fillConsent],
];

/** Answers every step as one visitor would, ending on "Check your answers". */
export async function completeSteps(page, options = {}) {
  for (const [title, fill] of STEPS) {
    await heading(page, title).waitFor();
    await fill(page, options);
    await continueButton(page).click();
  }
  await heading(page, 'Check your answers').waitFor();
}

