import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';

/** Where e2e tests leave screenshots (kept as CI artifacts when a test fails). */
export const ARTIFACT_DIR = path.resolve(__dirname, '..', '..', 'test-artifacts', 'e2e');

/** One persona's Agents Playground tab; only loopback traffic is let through. */
export class PlaygroundPage {
  private constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string): Promise<PlaygroundPage> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    // The Playground asks a CDN for fonts; nothing leaves this machine.
    await context.route(/^https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])/, (route) => route.abort());
    const page = await context.newPage();
    await page.goto(url);
    await page.getByText('Personal Chat').click();
    return new PlaygroundPage(page);
  }

  cards(): Locator {
    return this.page.locator('.ac-adaptiveCard');
  }

  lastCard(): Locator {
    return this.cards().last();
  }

  /** Types into the compose box and waits until the bot has answered with a new card. */
  async say(text: string): Promise<Locator> {
    return this.expectNewCard(() => this.send(text));
  }

  /** Types into the compose box and sends, waiting for nothing (the answer may be a plain message). */
  async send(text: string): Promise<void> {
    // The compose box is a Lexical editor; card inputs are textboxes too, so match it exactly.
    const box = this.page.locator('[data-lexical-editor="true"]');
    await box.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
  }

  /** Runs `act` (a click on a card, say) and waits for the bot's next card. */
  async expectNewCard(act: () => Promise<void>, timeoutMs = 15_000): Promise<Locator> {
    const before = await this.cards().count();
    await act();
    await this.page.waitForFunction((n) => document.querySelectorAll('.ac-adaptiveCard').length > n, before, { timeout: timeoutMs });
    return this.lastCard();
  }

  /** Waits until some card in the chat matches `text` (a card updated in place counts) and returns it. */
  async waitForCard(text: RegExp, timeoutMs = 15_000): Promise<Locator> {
    const card = this.cards().filter({ hasText: text }).last();
    await card.waitFor({ state: 'visible', timeout: timeoutMs });
    return card;
  }

  /** Waits until `text` appears anywhere in the conversation: a card, an update of one, or a message. */
  async waitForText(text: RegExp, timeoutMs = 15_000): Promise<void> {
    await this.page.getByText(text).last().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  /** The button `name` in the card row that mentions `rowText` and no other row. */
  rowButton(card: Locator, rowText: string, name: string, otherRowText: string): Locator {
    return card
      .locator('.ac-container')
      .filter({ hasText: rowText })
      .filter({ hasNotText: otherRowText })
      .filter({ has: this.page.getByRole('button', { name }) })
      .first()
      .getByRole('button', { name });
  }

  async screenshot(name: string, dir = ARTIFACT_DIR): Promise<string> {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}
