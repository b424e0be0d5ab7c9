// Chart.js 4 with only the parts <crm-chart> draws registered (tree-shaken: line, bar and doughnut
// controllers, two scales, legend and tooltip). <crm-chart> imports this module dynamically, so a page
// pays for the library only when the first chart is drawn.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PieController,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PieController, PointElement, Tooltip);

export { Chart };
export type { ChartConfiguration } from 'chart.js';
