// The console's start: it routes only once /config.json is read. Here /config.json answers late
// (held back by the browser for 1.5 s) while the person is already on the sign-in page: the page
// is rendered once, so what they fill in stays and they are signed in with it (before the fix, the
// late config re-rendered the sign-in form and the click signed them in as the default citizen).
import assert from "node:assert/strict";
import { runScenario, person, check } from "./harness.mjs";

runScenario("startup", async ({ browser, base }) => {
  let held = 0;
  const operator = await person(browser, base, {
    before: context => context.route("**/config.json", async route => {
      held += 1;
      await new Promise(r => setTimeout(r, 1500));
      await route.continue();
    }),
  });
  await operator.goto(`${base}/#/sign-in`);
  await operator.getByLabel("Peran").selectOption("operator");
  await operator.locator("#sign-in-opd option[value='BAPENDA']").waitFor({ state: "attached" });
  await operator.getByLabel("OPD", { exact: true }).selectOption("BAPENDA");
  await operator.getByLabel("ID pengguna").fill("operator.bapenda");
  await operator.waitForTimeout(1600);           // the late config.json arrives meanwhile
  assert.equal(await operator.getByLabel("ID pengguna").inputValue(), "operator.bapenda", "the form was not rendered again");
  await operator.getByRole("button", { name: "Masuk", exact: true }).last().click();
  await operator.getByRole("heading", { level: 1, name: "Antrean OPD" }).waitFor();
  await operator.getByText("Masuk sebagai operator.bapenda (operator BAPENDA)").waitFor();
  assert.ok(held >= 1, "config.json was held back");
  await check(operator, "startup-01-queue");
});
