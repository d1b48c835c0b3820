//! The `ivschat-local` command: parse flags, set up tracing, serve until Ctrl-C or SIGTERM.

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use ivschat_local::config::FunctionArgs;
use ivschat_local::console::{Console, ConsoleOptions};
use ivschat_local::stack::{dev_token, up_with_console, DevTokenConfig, UpConfig};
use ivschat_local::{ServeConfig, Server};

/// A local, wire-faithful Amazon IVS Chat service.
#[derive(Parser)]
#[command(name = "ivschat-local", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the IVS Chat control plane (restJson1 over HTTP, SigV4-checked).
    Serve(Box<ServeCommand>),
    /// Run the whole project from template.yaml: functions, HTTP API, local JWT issuer,
    /// DynamoDB (moto), rooms.
    Up(Box<UpCommand>),
    /// Print a JWT of the local issuer that the running stack's HTTP API accepts.
    DevToken(DevTokenConfig),
}

/// The options of `serve`: the service's, and the functions it hosts.
#[derive(Args)]
struct ServeCommand {
    #[command(flatten)]
    serve: ServeConfig,
    #[command(flatten)]
    hosted: FunctionArgs,
}

/// The options of `up`: the stack's, and the web console's.
#[derive(Args)]
struct UpCommand {
    #[command(flatten)]
    stack: UpConfig,
    #[command(flatten)]
    console: ConsoleOptions,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("IVSCHAT_LOCAL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    match cli.command {
        Command::Serve(command) => {
            let ServeCommand { mut serve, hosted } = *command;
            serve.functions = hosted.specs(&serve);
            self::serve(serve).await
        }
        Command::Up(config) => run_stack(*config).await,
        Command::DevToken(config) => match dev_token(&config) {
            Ok(token) => {
                println!("{token}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("ivschat-local: {error}");
                ExitCode::FAILURE
            }
        },
    }
}

async fn run_stack(command: UpCommand) -> ExitCode {
    let console = if command.console.no_console {
        None
    } else {
        match Console::bind(command.console.console_listen).await {
            Ok(console) => Some(console),
            Err(error) => {
                eprintln!("ivschat-local: {error}");
                return ExitCode::FAILURE;
            }
        }
    };
    let stack = match up_with_console(command.stack, console).await {
        Ok(stack) => stack,
        Err(error) => {
            eprintln!("ivschat-local: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", stack.describe());
    shutdown_signal().await;
    drop(stack);
    ExitCode::SUCCESS
}

async fn serve(config: ServeConfig) -> ExitCode {
    let server = match Server::bind(config).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("ivschat-local: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("ivschat-local listening on http://{}", server.local_addr());
    match server.run_until(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ivschat-local: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
