# Jupyter Notebook server configuration for `npm run lab` (scripts/lab.sh passes it with --config).
# tslab compiles cells with the kernel's working directory as TypeScript rootDir, and the notebooks import
# './src/index' and read 'datasets/...': every kernel must start in the project root, not in notebooks/.
import os

from notebook.services.kernels.kernelmanager import MappingKernelManager

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ProjectRootKernelManager(MappingKernelManager):
    """Starts every kernel in the project root, whichever folder the notebook is in."""

    def cwd_for_path(self, path):
        return ROOT


c = get_config()  # noqa: F821 (injected by Jupyter when it loads this file)
c.NotebookApp.kernel_manager_class = ProjectRootKernelManager
c.NotebookApp.notebook_dir = ROOT
c.NotebookApp.open_browser = False
