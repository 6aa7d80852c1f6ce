// State of the walkthrough, shared by the step components through Svelte context. The created
// token lives only in `created` and is dropped (here and in the backend) when the result step is
// left.

import { getContext, setContext, tick } from "svelte";

import * as api from "./api";
import { AppError } from "./api";
import type {
  AppState,
  AuthMethod,
  ConnectionReport,
  CreatedToken,
  Preset,
  Profile,
  ProfileInput,
  SandboxInfo,
  ScopeInfo,
} from "./api";

export type StepId = "welcome" | "prerequisites" | "connect" | "create" | "result";
export type ViewId = StepId | "settings";

export const STEPS: { id: StepId; label: string; hint: string }[] = [
  { id: "welcome", label: "Welcome", hint: "Environment or sandbox" },
  { id: "prerequisites", label: "Prerequisites", hint: "User, group, OAuth client" },
  { id: "connect", label: "Connect", hint: "Sign in and test" },
  { id: "create", label: "Create token", hint: "Scopes and expiry" },
  { id: "result", label: "Result", hint: "Copy the token once" },
];

export type ExpiryChoice = "7" | "14" | "30" | "90" | "date" | "never";

/** Values of the connect form. The secret is cleared as soon as the backend has stored it. */
export type ConnectForm = {
  id: string | null;
  name: string;
  authMethod: AuthMethod;
  environmentUrl: string;
  accountUuid: string;
  clientId: string;
  secret: string;
  sandbox: boolean;
  /** Custom host (such as a Managed cluster) the user trusts with the secret. */
  trustedHost: string | null;
};

export type CreateForm = {
  name: string;
  nameEdited: boolean;
  scopes: string[];
  presetId: string | null;
  expiry: ExpiryChoice;
  expiryDate: string;
  personalAccessToken: boolean;
};

export function emptyConnectForm(): ConnectForm {
  return {
    id: null,
    name: "",
    authMethod: "oauth",
    environmentUrl: "",
    accountUuid: "",
    clientId: "",
    secret: "",
    sandbox: false,
    trustedHost: null,
  };
}

export function emptyCreateForm(): CreateForm {
  return {
    name: "",
    nameEdited: false,
    scopes: [],
    presetId: null,
    expiry: "14",
    expiryDate: "",
    personalAccessToken: false,
  };
}

/** Converts the connect form into the command input; an empty secret keeps the stored one. */
export function profileInput(form: ConnectForm): ProfileInput {
  const oauth = form.authMethod === "oauth";
  return {
    id: form.id,
    name: form.name.trim(),
    authMethod: form.authMethod,
    environmentUrl: form.environmentUrl.trim(),
    accountUuid: oauth ? form.accountUuid.trim() : null,
    clientId: oauth ? form.clientId.trim() : null,
    secret: form.secret === "" ? null : form.secret.trim(),
    sandbox: form.sandbox,
    trustedHost: form.trustedHost,
  };
}

export class Wizard {
  view = $state<ViewId>("welcome");
  /** Step that Settings returns to. */
  returnView = $state<StepId>("welcome");
  appState = $state<AppState | null>(null);
  loadError = $state<AppError | null>(null);
  sandbox = $state<SandboxInfo | null>(null);
  sandboxMode = $state(false);
  /** Saved profile the token is created with. */
  profile = $state<Profile | null>(null);
  connection = $state<ConnectionReport | null>(null);
  created = $state<CreatedToken | null>(null);
  scopes = $state<ScopeInfo[]>([]);
  presets = $state<Preset[]>([]);
  /** One-line status for the shared live region, such as a failed `open_external`. */
  notice = $state("");
  /** Start-up problems from the backend, shown once on the welcome screen until dismissed. */
  startupNotices = $state<string[]>([]);
  private startupNoticesShown = false;
  connectForm = $state<ConnectForm>(emptyConnectForm());
  secretStored = $state(false);
  createForm = $state<CreateForm>(emptyCreateForm());
  prerequisites = $state({ serviceUser: false, group: false, oauthClient: false });

  get keychainAvailable(): boolean {
    return this.appState?.keychain.available ?? false;
  }

  async load(): Promise<void> {
    try {
      this.appState = await api.getAppState();
      this.loadError = null;
      if (this.appState.sandbox) this.sandbox = this.appState.sandbox;
      if (!this.startupNoticesShown) {
        this.startupNoticesShown = true;
        this.startupNotices = this.appState.notices;
      }
    } catch (error) {
      this.loadError = AppError.from(error);
    }
  }

  /** Loads the scope catalogue and presets once; the create step needs both. */
  async loadCatalogue(): Promise<void> {
    if (this.scopes.length > 0 && this.presets.length > 0) return;
    const [scopes, presets] = await Promise.all([api.listScopes(), api.listPresets()]);
    this.scopes = scopes;
    this.presets = presets;
  }

  async enterSandbox(): Promise<void> {
    this.sandbox = await api.startSandbox();
    this.sandboxMode = true;
    this.resetConnection();
    // Saving again replaces the saved sandbox profile instead of adding a second one.
    const saved = this.appState?.profiles.find((profile) => profile.sandbox);
    this.connectForm = {
      ...emptyConnectForm(),
      sandbox: true,
      id: saved?.id ?? null,
      name: saved?.name ?? "",
    };
    await this.goTo("prerequisites");
  }

  async enterRealEnvironment(): Promise<void> {
    this.sandboxMode = false;
    this.resetConnection();
    this.connectForm = emptyConnectForm();
    await this.goTo("prerequisites");
  }

  /** Opens the connect step with a saved profile; its secret stays in the keychain. */
  async continueWith(profile: Profile): Promise<void> {
    if (profile.sandbox) this.sandbox = await api.startSandbox();
    this.sandboxMode = profile.sandbox;
    this.resetConnection();
    this.useProfile(profile);
    await this.goTo("connect");
  }

  /** Records a saved profile as the one to create tokens with. */
  useProfile(profile: Profile): void {
    const sameProfile = this.profile?.id === profile.id;
    this.profile = profile;
    this.secretStored = profile.secretStored;
    this.connectForm = {
      id: profile.id,
      name: profile.name,
      authMethod: profile.authMethod,
      environmentUrl: profile.environmentUrl,
      accountUuid: profile.accountUuid ?? "",
      clientId: profile.clientId ?? "",
      secret: "",
      sandbox: profile.sandbox,
      trustedHost: profile.trustedHost ?? null,
    };
    if (!sameProfile) {
      this.createForm = {
        ...emptyCreateForm(),
        scopes: [...profile.lastScopes],
        presetId: profile.lastPresetId,
      };
    }
    if (this.appState) {
      const others = this.appState.profiles.filter((saved) => saved.id !== profile.id);
      this.appState.profiles = [...others, profile];
      this.appState.lastProfileId = profile.id;
    }
  }

  async deleteProfile(profile: Profile): Promise<void> {
    await api.deleteProfile(profile.id);
    if (this.appState) {
      this.appState.profiles = this.appState.profiles.filter((saved) => saved.id !== profile.id);
    }
    if (this.profile?.id === profile.id) this.resetConnection();
  }

  private resetConnection(): void {
    this.profile = null;
    this.connection = null;
    this.secretStored = false;
    this.createForm = emptyCreateForm();
  }

  canVisit(view: ViewId): boolean {
    switch (view) {
      case "welcome":
      case "settings":
      case "prerequisites":
      case "connect":
        return true;
      case "create":
        return this.profile !== null && this.connection !== null;
      case "result":
        return this.created !== null;
    }
  }

  /** Switches the view; leaving the result step makes the backend forget the token. */
  async goTo(view: ViewId): Promise<void> {
    if (this.view === "result" && view !== "result") await this.forgetToken();
    if (view === "settings" && this.view !== "settings") this.returnView = this.view;
    this.view = view;
    await tick();
    document.getElementById("view-heading")?.focus();
  }

  showResult(token: CreatedToken): Promise<void> {
    this.created = token;
    return this.goTo("result");
  }

  async forgetToken(): Promise<void> {
    this.created = null;
    try {
      await api.forgetToken();
    } catch (error) {
      this.notice = `The app could not drop the token from memory: ${AppError.from(error).message}`;
    }
  }

  async openExternal(url: string): Promise<void> {
    try {
      await api.openExternal(url);
    } catch (error) {
      this.notice = `The browser did not open ${url}: ${AppError.from(error).message}`;
    }
  }
}

const WIZARD_KEY = Symbol("wizard");

export function provideWizard(wizard: Wizard): Wizard {
  return setContext(WIZARD_KEY, wizard);
}

export function useWizard(): Wizard {
  const wizard = getContext<Wizard | undefined>(WIZARD_KEY);
  if (!wizard) throw new Error("useWizard() called outside App");
  return wizard;
}
